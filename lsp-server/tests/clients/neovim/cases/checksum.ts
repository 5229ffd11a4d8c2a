import { createHash } from "crypto";

// Prüfsumme 😀
export function checksum(data: string): string {
  const tag = "😀 café"; return tag + createHash("md5").update(data).digest("hex");
}

export function run(code: string): unknown {
  const note = "naïve 🎉"; return note + eval(code);
}
