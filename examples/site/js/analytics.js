// A tiny page-view counter; a real site would post to its own endpoint.
const views = Number(sessionStorage.getItem("views") || "0") + 1;
sessionStorage.setItem("views", String(views));
export const pageViews = views;
