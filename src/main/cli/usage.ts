// Help texts for `tieout --help` and `tieout COMMAND --help`; kept beside the CLI so they stay true.

export const USAGE = `tieout: reconcile orders, payments, payouts and bank lines in a local, append-only ledger

Usage:
  tieout init WORKSPACE [--name NAME] [--currency USD] [--time-zone Europe/Berlin] [--locale en-US]
  tieout import WORKSPACE --source KIND[:NAME] [--format FORMAT] [--mapping MAPPING.json]
                [--encoding ENC] [--skip-invalid] [--accept-unbalanced] [--progress] [--json] FILE...
  tieout export WORKSPACE --what events --format csv|json [--out FILE]
  tieout verify WORKSPACE
  tieout formats

Run "tieout COMMAND --help" for the details of one command.
Exit codes: 0 ok, 1 runtime failure (or verify found tampering), 2 bad usage or bad input.
`;

export const COMMAND_HELP: Record<string, string> = {
  init: `tieout init WORKSPACE [--name NAME] [--currency CODE] [--time-zone ZONE] [--locale LOCALE]

Creates WORKSPACE (a new or empty folder) holding workspace.json and an empty
ledger.sqlite. Defaults: name = folder name, currency USD, time zone UTC,
locale en-US. The time zone is used for files whose times carry no offset;
the locale sets the number style the workspace displays.
`,
  import: `tieout import WORKSPACE --source KIND[:NAME] [options] FILE...

Imports FILEs into the ledger as canonical events. All files land in one
transaction: if any row is bad, nothing is written and the error names
FILE:LINE:COLUMN. Importing the same rows again creates nothing new. A ZIP
archive is stored whole and each file inside it is imported. Every bank
statement must balance (opening + entries = closing) unless
--accept-unbalanced is given.

  --source KIND[:NAME]  which feed this is, e.g. stripe:main, shopify:store, bank:chase-1234
  --format FORMAT       skip detection (see "tieout formats")
  --mapping FILE        JSON mapping for --format generic-csv, or preset:NAME for a built-in
                        bank CSV preset (see "tieout formats")
  --encoding ENC        utf-8, utf-16le, utf-16be, windows-1252, iso-8859-1, iso-8859-2, iso-8859-15,
                        windows-1250 or cp852 (default: a BOM, the file's own declaration
                        (XML prolog, OFX CHARSET), else UTF-8 when valid, else Windows-1252)
  --skip-invalid        import the good rows; every rejected row is kept in the journal with its reason
  --accept-unbalanced   import bank statements whose opening balance + entries differs from the
                        closing balance; each difference is recorded in the journal
  --progress            print progress lines on stderr (on by default in a terminal)
  --json                print the result as JSON
`,
  export: `tieout export WORKSPACE --what events --format csv|json [--out FILE]

Writes every canonical event (source, kind, external id, refs, amount, currency,
times, provenance) to FILE or standard output. CSV text cells that begin with
= + - @ tab or CR are prefixed with an apostrophe so spreadsheets do not run
them as formulas; number cells are written as plain numbers.
`,
  verify: `tieout verify WORKSPACE

Checks the ledger: SQLite integrity and foreign keys, that the append-only
triggers are in place, re-hashes every stored file, walks the journal hash
chain, and checks every import batch's events against the digest its journal
entry sealed. Prints each check; exits 1 and names the first bad journal entry
when anything fails.
`,
  formats: `tieout formats

Lists the import formats this build reads and how each is chosen.
`,
};
