"""Reports on the hubs' work, shared by the API, the pages and the CLI.

- `periods`: a report's period and its months.
- `words`: every label a report shows, in Dutch, French and English.
- `hub_report`: one hub's yearly report (KPIs against targets, the previous year, month
  by month, the agreements behind the "new assignments").
- `programme`: every hub side by side for the programme, weighted by objective, with the
  flows of matches between hubs.
- `targets`: the programme's yearly default targets.
- `opportunities` (and `regions`): published streams that no capacity serves well, and
  capacities with room and no stream, read from the ranking engine's own reasons.
- `workbook`, `programme_workbook`, `opportunities_sheet`, `sheets`: the reports as Excel
  workbooks; `csv_report`: as CSV for Belgian spreadsheets; `pdf`: printed by Chromium.

Nothing here imports Flask; the pages render the report's HTML and hand it to `pdf`.
"""
