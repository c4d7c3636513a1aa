// Entry module: wires the booking button and lazy-loads the calendar.
import { formatDate, nextSaturday } from "./util.js";
import "./analytics.js";

const book = document.getElementById("book");

if (book) {
  book.addEventListener("click", async () => {
    // Only visitors who want to book pay for the calendar code.
    const { renderCalendar } = await import("./calendar.js");
    renderCalendar(document.getElementById("calendar"), nextSaturday(new Date()));
    book.textContent = `Next hike: ${formatDate(nextSaturday(new Date()))}`;
  });
}

const logo = new URL("../img/logo.png", import.meta.url);
console.debug("logo at", logo.href);
