/** Imported first by main.tsx: the asset page's answers are on their way while the rest loads (early-answers.ts). */
import { askEarly } from "./early-answers";

// bench:portal reads the marks: when the chunk began to run, and when it was all evaluated (main.tsx).
performance.mark("drl:chunk-start");
askEarly(window.location.hash, window.location.origin);
