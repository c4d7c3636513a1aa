import "./style.css";
import heroUrl from "./hero.jpg";
import { greet } from "./greet.js";

const app = document.querySelector("#app");
app.innerHTML = `
  <h1>${greet("Vite")}</h1>
  <img src="${heroUrl}" alt="A generated landscape" width="480" height="320">
  <button id="more" type="button">More</button>
`;

document.querySelector("#more").addEventListener("click", async () => {
  const { details } = await import("./details.js");
  app.append(details());
});
