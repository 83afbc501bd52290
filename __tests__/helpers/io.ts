import type { Io } from "../../tools/command";

/** An Io that keeps each message a command prints, in order: `out` for stdout, `err` for stderr. */
export function messagesIo(cwd = process.cwd(), env: Io["env"] = {}): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (m) => out.push(m), err: (m) => err.push(m), cwd, env }, out, err };
}
