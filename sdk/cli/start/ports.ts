/** Free-port checks, so that a busy port is a clear error before anything is printed. */
import net from "node:net";
import { UsageError } from "../exit";

/** Resolves when `port` on `host` can be bound; a UsageError naming `flag` when it is taken. */
export function ensurePortFree(flag: string, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", (e: NodeJS.ErrnoException) => {
      reject(
        new UsageError(
          flag,
          e.code === "EADDRINUSE"
            ? `port ${port} on ${host} is already in use (another drl start? pick another with ${flag})`
            : `cannot listen on ${host}:${port} (${e.code ?? e.message})`,
        ),
      );
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** A port the OS picks on the loopback interface. */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const a = probe.address();
      const port = a !== null && typeof a === "object" ? a.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}
