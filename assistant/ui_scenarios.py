"""Pure HTML of the scenario views: the 2×2 axes figure, the scope line and the comparison of one dimension."""

from __future__ import annotations

from assistant.corpus import Report, ScenarioInfo
from assistant.schema import Section
from assistant.ui_format import escape
from assistant.ui_i18n import UiLanguage, axis_label, dimension_label, scenario_name, text
from assistant.ui_state import ALL, normalize_scope


def quadrant(info: ScenarioInfo) -> tuple[int, int]:
    """(row, column) of a scenario in the figure: technology-driven on top, individual on the left."""
    return int(info.limited_technology), int(not info.individual)


def _axis_values(report: Report) -> dict[str, str]:
    """The labels of the four axis ends, taken from the scenarios placed along them."""
    labels: dict[str, str] = {}
    for info in report.scenarios.values():
        row, column = quadrant(info)
        labels.setdefault("bottom" if row else "top", info.technology)
        labels.setdefault("right" if column else "left", info.orientation)
    return labels


def axes_figure(report: Report, scope: str, language: UiLanguage) -> str:
    """The report's 2×2 figure: each scenario in its quadrant, as a button that scopes the conversation."""
    scope = normalize_scope(scope)
    cells = sorted(report.scenarios.values(), key=quadrant)
    buttons = []
    for info in cells:
        row, column = quadrant(info)
        selected = info.letter == scope
        keywords = " · ".join(escape(k) for k in info.keywords)
        buttons.append(
            f'<button type="button" class="quad sc-{escape(info.letter)}{" selected" if selected else ""}" '
            f'data-scope="{escape(info.letter)}" aria-pressed="{str(selected).lower()}" '
            f'style="grid-row:{row + 1};grid-column:{column + 1}" '
            f'title="{escape(scenario_name(info.name, language))}: {escape(info.subtitle)}">'
            f'<span class="q-head"><span class="q-letter">{escape(info.letter)}</span>'
            f'<span class="q-name">{escape(scenario_name(info.name, language))}</span></span>'
            f'<span class="q-sub">{escape(info.subtitle)}</span><span class="q-kw">{keywords}</span></button>'
        )
    axes = {k: escape(axis_label(v, language)) for k, v in _axis_values(report).items()}
    all_selected = scope == ALL
    return (
        '<div class="axes-figure">'
        f'<div class="axis axis-top">▲ {axes.get("top", "")}</div>'
        f'<div class="axis axis-left">◀ {axes.get("left", "")}</div>'
        f'<div class="quads">{"".join(buttons)}</div>'
        f'<div class="axis axis-right">{axes.get("right", "")} ▶</div>'
        f'<div class="axis axis-bottom">▼ {axes.get("bottom", "")}</div>'
        f'<button type="button" class="all-scenarios{" selected" if all_selected else ""}" data-scope="{ALL}" '
        f'aria-pressed="{str(all_selected).lower()}">{text("all_scenarios", language)}</button>'
        f'<p class="hint">{text("figure_hint", language)}</p>'
        "</div>"
    )


def scope_line(report: Report, scope: str, language: UiLanguage) -> str:
    """The visible scope of the conversation: all scenarios, or one by letter and name."""
    scope = normalize_scope(scope)
    if scope == ALL or scope not in report.scenarios:
        what = text("scope_all", language)
        css = "all"
    else:
        info = report.scenarios[scope]
        what = f"{text('scenario', language)} {escape(scope)} — {escape(scenario_name(info.name, language))}"
        css = scope
    return f'<div class="scope-line sc-{css}">{text("scope", language)}: <b>{what}</b></div>'


def overview_cells(report: Report, dimension: str) -> list[Section]:
    """The overview table's cells for one dimension, in scenario order."""
    cells = [s for s in report.sections if s.kind == "overview_cell" and s.dimension == dimension]
    return sorted(cells, key=lambda s: s.scenario or "")


def comparison_view(report: Report, dimension: str, language: UiLanguage) -> str:
    """The four scenarios side by side on one dimension, each cell with its section path as source."""
    columns = []
    for cell in overview_cells(report, dimension):
        info = report.scenarios.get(cell.scenario or "")
        name = escape(scenario_name(info.name, language)) if info else ""
        columns.append(
            f'<div class="cmp-cell sc-{escape(cell.scenario or "")}" data-scenario="{escape(cell.scenario or "")}">'
            f'<div class="cmp-head"><span class="q-letter">{escape(cell.scenario or "")}</span> {name}</div>'
            f'<div class="cmp-text">{escape(cell.text)}</div>'
            f'<div class="cmp-cite">{text("source_label", language)}: {escape(" › ".join(cell.path))}</div></div>'
        )
    title = escape(dimension_label(dimension, language))
    return f'<div class="compare"><h3>{title}</h3><div class="cmp-grid">{"".join(columns)}</div></div>'
