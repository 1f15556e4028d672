"""A script for tests/browser/test_text_rendering.py: every entry of MARKUP shown through
ui.text.literal in st.markdown, and through ui.text.in_code, as the pages show user text. Not
a page of the app (the app's pages are listed in ui/site.py)."""

import streamlit as st

from ui.text import in_code, literal

# Markdown a student could type, link to or put in a file name, one kind per entry.
MARKUP = {
    "emphasis": "**bold** __bold__ *it* _it_ ~~struck~~ ~struck~",
    "code": "`code` ``code``",
    "link": "[click](https://evil.example) [ref][1] <https://evil.example>",
    "image": "![x](https://evil.example/p.png)",
    "bare links": "https://evil.example www.evil.example mail@evil.example",
    "math": "$x^2$ $$y$$",
    "heading": "# heading",
    "list": "- item",
    "numbered": "1. one",
    "quote": "> quote",
    "table": "| a | b |",
    "html": "<b>bold</b> <img src=x> &lt; &amp;",
    "directives": ":red[red] :blue-background[blue] :small[small]",
    "icons and emoji": ":material/home: :smile: :+1:",
    "line breaks": "one\n\n# two\n- three",
    "backslashes": "\\*x\\* \\[y\\]",
}

if __name__ == "__main__":
    for name, text in MARKUP.items():
        with st.container(key=f"prose-{name.replace(' ', '-')}"):
            st.markdown(literal(text))
        with st.container(key=f"code-{name.replace(' ', '-')}"):
            st.markdown(in_code(text))
