// A person as owners, backups, escalation contacts and "who am I" name them: a display name and an e-mail, written
// "NAME <EMAIL>" on the command line, in the exceptions table and in exports.
import { z } from 'zod';

const EMAIL = /^[^\s<>@]+@[^\s<>@]+$/;

export const PersonSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    email: z.string().trim().regex(EMAIL, 'must be an e-mail address such as ana@example.com'),
  })
  .strict();
export type Person = z.infer<typeof PersonSchema>;

/** "Ana Lopez <ana@example.com>": how a person is stored in exceptions.owner/backup and shown. */
export function formatPerson(p: Person): string {
  return `${p.name} <${p.email}>`;
}

/** Reads "NAME <EMAIL>"; null when the text is not of that shape. */
export function parsePerson(text: string): Person | null {
  const m = /^\s*([^<>]*?)\s*<\s*([^<>\s]+)\s*>\s*$/.exec(text);
  if (m === null) return null;
  const parsed = PersonSchema.safeParse({ name: m[1], email: m[2] });
  return parsed.success ? parsed.data : null;
}

/** The e-mail inside a stored "NAME <EMAIL>" (lower case), or the text itself lower-cased when it has none. */
export function personKey(text: string): string {
  const m = /<\s*([^<>\s]+)\s*>\s*$/.exec(text);
  return (m?.[1] ?? text).trim().toLowerCase();
}
