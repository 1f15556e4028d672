"""Two students at once on the real server, each in their own browser context: one uploads a
word list while the other trains on the built-in names, and both train MLPs of different
lengths at the same moment; neither sees the other's words, steps or results."""

from __future__ import annotations

import asyncio
import concurrent.futures

from tests.browser.flows import (
    VIEWPORT,
    Student,
    async_chromium,
    key_class,
    type_number,
)

WORDS = "\n".join(["anna", "bella", "carla", "dora", "ella", "fiona", "gina", "hana"]).encode()


async def words_shown(student: Student) -> str:
    return await student.page.get_by_test_id("stMetricValue").first.inner_text()


async def uploads_a_word_list(student: Student) -> None:
    await student.open("bigram")
    page = student.page
    await student.act("choose", page.get_by_text("My own word list").click)
    uploader = page.locator(f"{key_class('bigram.uploader')} input[type=file]")
    await student.act(
        "upload",
        lambda: uploader.set_input_files(
            {"name": "mine.txt", "mimeType": "text/plain", "buffer": WORDS}
        ),
    )
    await student.expect_text('[data-testid="stMetricValue"]', "8", "the uploaded words")


async def trains_on_the_built_in_names(student: Student) -> None:
    await student.open("bigram")
    await type_number(student, "bigram.seed", lambda now: "7", "number")
    train = student.page.locator(key_class("bigram.train")).get_by_role("button")
    # Until Train, the page says the net shown was trained with other settings.
    trained = "() => !document.body.textContent.includes('Press Train to use the new settings')"
    await student.act("train", train.click, done=trained)


async def trains_an_mlp(student: Student, steps: int) -> str:
    page = student.page
    await student.open("mlp")
    await type_number(student, "mlp.steps", lambda now: str(steps), "number")
    done = f"""() => /Step {steps} of {steps} · finished/.test(
        document.querySelector('[data-testid="stProgress"]')?.textContent || '')"""
    await student.act(
        "train",
        page.locator(key_class("mlp.train")).get_by_role("button").click,
        done=done,
        timeout_ms=120_000,
    )
    return await page.get_by_test_id("stProgress").first.inner_text()


async def two_students(url: str) -> dict:
    async with async_chromium() as browser:
        students = []
        for _ in range(2):
            context = await browser.new_context(viewport=VIEWPORT)
            students.append(Student(await context.new_page(), url))
        a, b = students
        await asyncio.gather(uploads_a_word_list(a), trains_on_the_built_in_names(b))
        seen = {
            "words a": await words_shown(a),
            "words b": await words_shown(b),
            "b mentions a's file": "mine.txt" in await b.page.content(),
        }
        # Both in the same session still: the sidebar takes them to the MLP page.
        progress = await asyncio.gather(trains_an_mlp(a, 12), trains_an_mlp(b, 17))
        seen["progress a"], seen["progress b"] = progress
        return seen


def test_two_students_at_once_see_only_their_own_words_and_runs(server):
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        seen = pool.submit(asyncio.run, two_students(server.url)).result()
    assert seen["words a"] == "8"
    assert seen["words b"] == "29,910" and not seen["b mentions a's file"]
    assert seen["progress a"].startswith("Step 12 of 12 · finished")
    assert seen["progress b"].startswith("Step 17 of 17 · finished")
