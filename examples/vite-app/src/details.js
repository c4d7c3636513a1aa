export function details() {
  const p = document.createElement("p");
  p.textContent = "This chunk was loaded on demand and keeps Vite's own hash.";
  return p;
}
