"""The page: its Gradio components laid out, and their texts in the interface language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.corpus import Report
from assistant.ui_assets import FIGURE_JS, SOURCES_JS
from assistant.ui_format import chat_messages, sources_panel
from assistant.ui_i18n import DEFAULT_LANGUAGE, EXAMPLES, UiLanguage, comparison_question, dimension_label, text
from assistant.ui_scenarios import axes_figure, comparison_view, scope_line
from assistant.ui_state import ALL, Exchange


@dataclass(frozen=True)
class Page:
    """Handles on every component and per-session state the event handlers read or write."""

    exchanges: Any
    scope: Any
    export_folder: Any
    pending_question: Any
    header: Any
    language: Any
    tabs: Any
    chat_tab: Any
    compare_tab: Any
    scope_line: Any
    chatbot: Any
    question: Any
    send: Any
    examples_label: Any
    examples: tuple[Any, ...]
    comment: Any
    download: Any
    new_chat: Any
    feedback_status: Any
    figure: Any
    sources_title: Any
    sources: Any
    compare_intro: Any
    dimension: Any
    ask_compare: Any
    comparison: Any

    def labelled(self) -> list[Any]:
        """The components whose texts follow the interface language, in the order of `texts`."""
        return [
            self.header,
            self.language,
            self.chat_tab,
            self.compare_tab,
            self.scope_line,
            self.chatbot,
            self.question,
            self.send,
            self.examples_label,
            *self.examples,
            self.comment,
            self.download,
            self.new_chat,
            self.figure,
            self.sources_title,
            self.sources,
            self.compare_intro,
            self.dimension,
            self.ask_compare,
            self.comparison,
        ]


def header_html(language: UiLanguage) -> str:
    """Title and one-line purpose of the page."""
    return f"<h1>{text('title', language)}</h1><p>{text('subtitle', language)}</p>"


def examples_label_html(language: UiLanguage) -> str:
    """The small caption above the example questions."""
    return f'<div class="examples-label">{text("examples", language)}</div>'


def sources_title_html(language: UiLanguage) -> str:
    """The heading of the sources panel."""
    return f"<h3>{text('sources', language)}</h3>"


def first_dimension(report: Report) -> str:
    """The dimension the comparison opens on: security, the report's subject, when present."""
    return "Zekerheid" if "Zekerheid" in report.dimensions else report.dimensions[0]


def dimension_choices(report: Report, language: UiLanguage) -> list[tuple[str, str]]:
    """(label, dimension) pairs for the comparison's dimension picker."""
    return [(dimension_label(d, language), d) for d in report.dimensions]


def build_page(gr: Any, report: Report) -> Page:
    """Create the components inside the current gr.Blocks, in the default interface language."""
    lang: UiLanguage = DEFAULT_LANGUAGE
    dim = first_dimension(report)
    states = gr.State(()), gr.State(ALL), gr.State(None), gr.State("")
    with gr.Row(equal_height=True):
        header = gr.HTML(header_html(lang), elem_id="header-text")
        language = gr.Radio(
            [("Nederlands", "nl"), ("English", "en")],
            value=lang,
            label=text("language", lang),
            elem_id="lang",
            scale=0,
            min_width=240,
            show_label=False,
            container=False,
        )
    with gr.Tabs(elem_id="tabs") as tabs:
        with gr.Tab(text("tab_chat", lang), id="chat", elem_id="tab-chat") as chat_tab, gr.Row():
            with gr.Column(scale=3):
                scope = gr.HTML(scope_line(report, ALL, lang), elem_id="scope")
                chatbot = gr.Chatbot(
                    label=text("chat", lang),
                    show_label=False,
                    elem_id="chat",
                    height=500,
                    layout="bubble",
                    feedback_options=("Like", "Dislike"),
                    sanitize_html=True,
                    render_markdown=True,
                    buttons=[],  # copies would carry our HTML: the Markdown export is the way to keep a conversation
                    placeholder=text("chat_placeholder", lang),
                )
                with gr.Row(equal_height=True):
                    question = gr.Textbox(
                        label=text("question", lang),
                        placeholder=text("placeholder", lang),
                        elem_id="question",
                        scale=6,
                        max_lines=4,
                        autofocus=True,
                    )
                    send = gr.Button(text("send", lang), variant="primary", elem_id="send", scale=1)
                examples_label = gr.HTML(examples_label_html(lang))
                with gr.Row(elem_id="examples-row"):
                    examples = tuple(
                        gr.Button(q, size="sm", variant="secondary", elem_classes=["example"]) for q in EXAMPLES[lang]
                    )
                with gr.Row(equal_height=True):
                    comment = gr.Textbox(
                        label=text("comment", lang),
                        placeholder=text("comment_placeholder", lang),
                        elem_id="comment",
                        scale=4,
                    )
                    with gr.Column(scale=2, min_width=220):
                        download = gr.DownloadButton(
                            text("export", lang), value=None, elem_id="export", interactive=False, size="sm"
                        )
                        new_chat = gr.Button(text("new_chat", lang), size="sm", elem_id="new-chat")
                feedback_status = gr.Markdown("", elem_id="feedback-status")
            with gr.Column(scale=2, min_width=380):
                figure = gr.HTML(axes_figure(report, ALL, lang), elem_id="figure", js_on_load=FIGURE_JS)
                sources_title = gr.HTML(sources_title_html(lang))
                sources = gr.HTML(sources_panel((), lang), elem_id="sources", js_on_load=SOURCES_JS, max_height=640)
        with gr.Tab(text("tab_compare", lang), id="compare", elem_id="tab-compare") as compare_tab:
            compare_intro = gr.Markdown(text("compare_intro", lang))
            dimension = gr.Radio(
                dimension_choices(report, lang), value=dim, label=text("dimension", lang), elem_id="dimension"
            )
            ask_compare = gr.Button(
                text("ask_compare", lang, question=comparison_question(dim, lang)),
                variant="primary",
                elem_id="ask-compare",
            )
            comparison = gr.HTML(comparison_view(report, dim, lang), elem_id="comparison")
    return Page(
        *states,
        header,
        language,
        tabs,
        chat_tab,
        compare_tab,
        scope,
        chatbot,
        question,
        send,
        examples_label,
        examples,
        comment,
        download,
        new_chat,
        feedback_status,
        figure,
        sources_title,
        sources,
        compare_intro,
        dimension,
        ask_compare,
        comparison,
    )


def texts(
    gr: Any, report: Report, language: UiLanguage, exchanges: tuple[Exchange, ...], scope: str, dimension: str
) -> list[Any]:
    """New values for `Page.labelled()` in another interface language."""
    return [
        header_html(language),
        gr.update(label=text("language", language)),
        gr.update(label=text("tab_chat", language)),
        gr.update(label=text("tab_compare", language)),
        scope_line(report, scope, language),
        gr.update(
            value=chat_messages(exchanges, language),
            label=text("chat", language),
            placeholder=text("chat_placeholder", language),
        ),
        gr.update(label=text("question", language), placeholder=text("placeholder", language)),
        gr.update(value=text("send", language)),
        examples_label_html(language),
        *[gr.update(value=q) for q in EXAMPLES[language]],
        gr.update(label=text("comment", language), placeholder=text("comment_placeholder", language)),
        gr.update(label=text("export", language)),
        gr.update(value=text("new_chat", language)),
        axes_figure(report, scope, language),
        sources_title_html(language),
        sources_panel(exchanges, language),
        text("compare_intro", language),
        gr.update(choices=dimension_choices(report, language), label=text("dimension", language)),
        gr.update(value=text("ask_compare", language, question=comparison_question(dimension, language))),
        comparison_view(report, dimension, language),
    ]
