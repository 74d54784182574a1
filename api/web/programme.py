"""The programme's pages: every hub side by side per objective and year, its Excel
workbook, the opportunities of all hubs, and the programme's yearly targets.

Read by the programme's role and admins (anyone else gets a 404, as for a hub that is
not theirs); targets are set by admins. Only aggregates are shown: hub names, figures,
and the organisations of the opportunities, never a person.
"""
from __future__ import annotations

from flask import Response, current_app, flash, redirect, request, url_for
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

from api.db import db_session
from api.suggestion_index import suggestion_service
from api.web.charts import progress_chart
from api.web.common import bp, form_number, page, signed_in
from api.web.i18n import page_language
from api.web.reports import XLSX, kpi_number, period_from_query
from matchmaker import kpis, limits, scoping
from matchmaker.errors import NotFound, PermissionDenied
from matchmaker.reports import opportunities, programme, programme_workbook, targets, words


def _reader() -> None:
    if not scoping.reads_programme(signed_in()):
        raise NotFound("the programme's view")


def _view() -> programme.ProgrammeView:
    settings = current_app.extensions["matchmaker.settings"]
    return programme.view(db_session(), period_from_query(), settings.weights)


@bp.get("/programme", endpoint="programme")
def programme_page() -> tuple[str, int]:
    _reader()
    view = _view()
    scored = [(h.hub_name, h.weighted_score) for h in view.hubs if h.weighted_score is not None]
    chart = (progress_chart(_("Weighted score"), scored, lambda v: format_percent(v, "#,##0%"))
             if scored else None)
    return page("programme.html", view=view, chart=chart, objectives=kpis.OBJECTIVES,
                kpi_number=kpi_number, year=view.period.start.year)


@bp.get("/programme.xlsx")
def programme_xlsx() -> Response:
    _reader()
    view = _view()
    found = opportunities.find(db_session(), suggestion_service(), None, page_language())
    name = f"programme-{view.period.start}-{view.period.last_day}.xlsx"
    return Response(programme_workbook.programme_workbook(view, found, page_language()),
                    mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/programme/opportunities")
def programme_opportunities() -> tuple[str, int]:
    _reader()
    found = opportunities.find(db_session(), suggestion_service(), None, page_language())
    return page("opportunities.html", hub=None, found=found, show_hub=True)


def _targets_page(errors: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    year = request.values.get("year", type=int) or period_from_query().start.year
    language = page_language()
    listed = sorted(targets.programme_targets(db_session(), year),
                    key=lambda t: words.kpi(t.kpi, language).casefold())
    return page("programme_targets.html", status, year=year, targets=listed,
                targetable=sorted(kpis.KPI_NAMES,
                                  key=lambda k: words.kpi(k, language).casefold()),
                may_edit=scoping.is_admin(signed_in()), errors=errors or {}, form=request.form)


@bp.get("/programme/targets")
def programme_targets() -> tuple[str, int]:
    _reader()
    return _targets_page()


@bp.post("/programme/targets")
def set_programme_target() -> Response | tuple[str, int]:
    _reader()
    user = signed_in()
    if not scoping.is_admin(user):
        raise PermissionDenied("only admins set the programme's targets")
    form, errors = request.form, {}
    kpi = form.get("kpi", "")
    if kpi not in kpis.KPI_NAMES:
        errors["kpi"] = _("Choose a KPI from the list.")
    year = form.get("year", "").strip()
    if not (year.isdigit() and 2000 <= int(year) <= 2100):
        errors["year"] = _("Give a year between 2000 and 2100.")
    target = form_number(form, "target", errors, required=True, maximum=limits.MAX_AMOUNT)
    if errors:
        return _targets_page(errors, 400)
    targets.set_programme_target(db_session(), user, int(year), kpi, target)
    db_session().commit()
    flash(_("Target saved: %(kpi)s in %(year)s, %(target)s.",
            kpi=words.kpi(kpi, page_language()), year=year, target=format_decimal(target)))
    return redirect(url_for("web.programme_targets", year=year))
