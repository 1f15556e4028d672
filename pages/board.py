"""Class board: the runs a class posts from the Bigram and MLP pages, best first, with the
best score over time; the teacher's link hides posts, clears the board and closes the room."""

from ui import board
from ui.layout import start_page
from ui.site import BOARD

start_page(None, BOARD)
board.page_title(BOARD.heading)

store = board.open_store()  # None: the database is down, and the page said so
room = board.current_room(store) if store else None
if room is not None:
    teacher = board.room_header(store, room)
    if teacher:
        board.teacher_tools(store, room)
    board.standings(store, room, teacher)
