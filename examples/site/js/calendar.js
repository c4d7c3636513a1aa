import { formatDate } from "./util.js";

export function renderCalendar(element, firstDate) {
  if (!element) return;
  const list = document.createElement("ul");
  for (let week = 0; week < 4; week += 1) {
    const date = new Date(firstDate);
    date.setDate(date.getDate() + 7 * week);
    const item = document.createElement("li");
    item.textContent = formatDate(date);
    list.append(item);
  }
  element.replaceChildren(list);
}
