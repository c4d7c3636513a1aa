/*! northwind-util | MIT License */
export function nextSaturday(from) {
  const date = new Date(from);
  const days = (6 - date.getDay() + 7) % 7 || 7;
  date.setDate(date.getDate() + days);
  return date;
}

export function formatDate(date) {
  return date.toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long" });
}
