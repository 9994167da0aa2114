// First, so that an asset page's answers are asked for before the rest is evaluated.
import "./early-fetch";
import { render } from "preact";
import { App } from "./app";
import "./styles.css";

performance.mark("drl:evaluated");
const root = document.getElementById("app");
if (root) render(<App />, root);
