"""Home: what the dashboard is, what each page teaches, and tips for teachers."""

import streamlit as st

from ui import home
from ui.layout import start_page
from ui.site import HOME

start_page(None, HOME)
st.title(HOME.heading)
home.introduction()
home.lesson_cards()
home.teacher_tips()
