// Help texts for `tieout --help` and `tieout COMMAND --help`; kept beside the CLI so they stay true.

export const USAGE = `tieout: reconcile orders, payments, payouts and bank lines in a local, append-only ledger

Usage:
  tieout init WORKSPACE [--name NAME] [--currency USD] [--time-zone Europe/Berlin] [--locale en-US]
  tieout import WORKSPACE --source KIND[:NAME] [--format FORMAT] [--mapping MAPPING.json]
                [--encoding ENC] [--skip-invalid] [--accept-unbalanced] [--period-end DATE] [--progress] [--json] FILE...
                [--no-reconcile] [--rules RULES.json]
  tieout reconcile WORKSPACE [--rules RULES.json] [--progress]
  tieout status WORKSPACE [--json]
  tieout exceptions WORKSPACE [--code C] [--class A|B|C] [--state S] [--all] [--format text|csv|json]
  tieout explain WORKSPACE MATCH_ID|EXCEPTION_ID|EVENT_ID
  tieout match WORKSPACE --link LINK --left EVENT_ID... --right EVENT_ID... --reason TEXT
  tieout unmatch WORKSPACE MATCH_ID --reason TEXT
  tieout resolve WORKSPACE EXCEPTION_ID... --reason TEXT
  tieout comment WORKSPACE EXCEPTION_ID --text TEXT
  tieout reopen WORKSPACE EXCEPTION_ID --reason TEXT
  tieout assign WORKSPACE EXCEPTION_ID --owner NAME [--reason TEXT]
  tieout export WORKSPACE --what events|matches|exceptions --format csv|json [--out FILE]
  tieout verify WORKSPACE | PACK.zip
  tieout close WORKSPACE --period YYYY-MM (--check [--json] | --by NAME --reason TEXT [--accept-open])
                [--explain SOURCE=TEXT]... [--progress] [--json]
  tieout reopen-period WORKSPACE --period YYYY-MM --by NAME --reason TEXT
  tieout pack WORKSPACE --period YYYY-MM --out PACK.zip [--with-sources] [--progress]
  tieout growth WORKSPACE [--period YYYY-MM] [--format text|json] [--paid-not-shipped-days N]
  tieout owners set WORKSPACE --domain D --owner "NAME <EMAIL>" --backup "NAME <EMAIL>" [--from DATE]
  tieout owners list WORKSPACE [--json]
  tieout sla WORKSPACE [--as-of ISO] [--json]
  tieout metrics WORKSPACE [--from DATE --to DATE] [--json]
  tieout ticket WORKSPACE EXCEPTION_ID
  tieout formats
  tieout demo WORKSPACE [--orders N] [--seed S]
  tieout serve [WORKSPACE] [--port N]

Run "tieout COMMAND --help" for the details of one command.
Exit codes: 0 ok, 1 runtime failure (or verify found tampering), 2 bad usage or bad input.
`;

export const COMMAND_HELP: Record<string, string> = {
  init: `tieout init WORKSPACE [--name NAME] [--currency CODE] [--time-zone ZONE] [--locale LOCALE]

Creates WORKSPACE (a new or empty folder) holding workspace.json and an empty
ledger.sqlite. Defaults: name = folder name, currency USD, time zone UTC,
locale en-US. The time zone is used for files whose times carry no offset;
the locale sets the number style the workspace displays.

Optional settings in workspace.json:
  "policy_gate_minor": 100000   above this amount (minor units of the reporting
                                currency) a person signs off any exception
  "feeds": { "stripe:main": { "expected_every_hours": 24, "grace_hours": 6 } }
                                the cadence each source is expected to keep: a source
                                whose latest event is older than the ledger's latest
                                event time minus expected_every_hours + grace_hours
                                (default 0) raises FEED_MISSING; sources not listed
                                are not checked
`,
  import: `tieout import WORKSPACE --source KIND[:NAME] [options] FILE...

Imports FILEs into the ledger as canonical events. All files land in one
transaction: if any row is bad, nothing is written and the error names
FILE:LINE:COLUMN. Importing the same rows again creates nothing new; a record
another file already delivered is also recorded as a resolved class-A
DUPLICATE_RECORD exception naming both files (the same file imported again
records nothing). A ZIP
archive is stored whole and each file inside it is imported. Every bank
statement must balance (opening + entries = closing) unless
--accept-unbalanced is given.

  --source KIND[:NAME]  which feed this is, e.g. stripe:main, shopify:store, bank:chase-1234,
                        meta-ads:main, google-ads:main, shipstation:main (ad exports, ad billing
                        and shipments are detected like every other format)
  --format FORMAT       skip detection (see "tieout formats")
  --mapping FILE        JSON mapping for --format generic-csv, or preset:NAME for a built-in
                        bank CSV preset (see "tieout formats")
  --encoding ENC        utf-8, utf-16le, utf-16be, windows-1252, iso-8859-1, iso-8859-2, iso-8859-15,
                        windows-1250 or cp852 (default: a BOM, the file's own declaration
                        (XML prolog, OFX CHARSET), else UTF-8 when valid, else Windows-1252)
  --skip-invalid        import the good rows; every rejected row is kept in the journal with its reason
  --accept-unbalanced   import bank statements whose opening balance + entries differs from the
                        closing balance; each difference is recorded in the journal
  --period-end DATE     the last day (YYYY-MM-DD) the files cover, when you know it (an export run
                        "through Oct 31"): the source counts as delivered to the end of that day.
                        Until a feed has delivered past an event's window, a missing counterpart
                        is "awaiting" that feed, not an exception (bank statements state their
                        period themselves)
  --no-reconcile        do not run the incremental reconcile that follows every import
  --rules FILE          rule set for that incremental run (default: the rule set in force)
  --progress            print progress lines on stderr, for the import and the reconcile after it
                        (on by default in a terminal)
  --json                print the result as JSON
`,
  export: `tieout export WORKSPACE --what events|matches|exceptions --format csv|json [--out FILE]
              [--code C] [--class A|B|C] [--state S]   (exceptions only)

events: every canonical event (source, kind, external id, refs, amount,
currency, times, provenance). matches: every active match as
{match_id, status, rule_id, rule_version, events:[{event_id, source, kind,
external_id, amount_minor, currency}]}. exceptions: {exception_id, code, class,
state, amount_minor, currency, events, created_at, resolved_at, owner, backup,
sla_due_at, sla_tier, escalation_level} (owner and backup as "NAME <EMAIL>",
escalation_level 0 owner, 1 backup, 2 escalation contact). CSV has one
row per (match or exception, event). Written to FILE or standard output. CSV text cells that begin with
= + - @ tab or CR are prefixed with an apostrophe so spreadsheets do not run
them as formulas; number cells are written as plain numbers.
`,
  verify: `tieout verify WORKSPACE | PACK.zip

WORKSPACE (a folder): checks the ledger: SQLite integrity and foreign keys, that
the append-only triggers are in place, re-hashes every stored file, walks the
journal hash chain, and checks every import batch's events against the digest
its journal entry sealed. Names the first bad journal entry when anything fails.

PACK.zip (a file written by tieout pack), offline, without the workspace:
manifest.json's own seal, the sha256 and size of every member against the
manifest (a member changed, missing or not listed is named), and the journal
segment's hash chain from the manifest's previous hash to its last hash.

Prints each check; exits 1 when anything fails.
`,
  close: `tieout close WORKSPACE --period YYYY-MM --by NAME --reason TEXT [--accept-open] [--explain SOURCE=TEXT]...
tieout close WORKSPACE --period YYYY-MM --check [--json]

Closes a calendar month of the workspace's time zone. --check prints the
month's checklist (statements balanced, every source delivered past the month's
end or explained, open class C exceptions, unresolved high-value exceptions,
shadow versions pending), the processor and bank rollforwards and the
sign-offs, and closes nothing.

Closing refuses while class C exceptions of the month are open, unless
--accept-open carries them forward (they are listed in the pack). It makes the
month's audit pack, stores it in the ledger and journals the close (who, why,
the pack's sha256). A closed month is locked: data that arrives later with
dates inside it is stored as usual, and what it changes is recorded as an
adjustment of the first open month, linked back to the closed one.
  --by NAME              who signs the month off
  --reason TEXT          why it can be closed (journaled)
  --accept-open          carry the open class C exceptions forward
  --explain SOURCE=TEXT  why a source has not delivered past the month's end
                         (e.g. --explain stripe:old="account closed in September"); repeatable
  --progress             print the pack's progress on stderr (on by default in a terminal)
  --json                 print the result (or, with --check, the status) as JSON
`,
  'reopen-period': `tieout reopen-period WORKSPACE --period YYYY-MM --by NAME --reason TEXT

Opens a closed month again, journaled with who and why. The pack stored at its
close stays in the ledger; closing the month again stores a new one.
`,
  pack: `tieout pack WORKSPACE --period YYYY-MM --out PACK.zip [--with-sources] [--progress]

Writes the month's audit pack. A closed month's pack is the one stored at its
close, byte for byte. An open month gets a DRAFT made from the ledger as it
stands (the same ledger gives the same bytes). The ZIP holds manifest.json
(workspace, period, generator, rule versions, ledger head hash, the journal
segment's first and last hash, sign-offs, the sha256 of every member),
summary.pdf (rollforward, match and exception figures, charts, carried-forward
items, sign-offs), workbook.xlsx (a sheet per table; a table longer than a
sheet continues on the next), the same tables as CSV under csv/, rules.json and
journal.jsonl. Text cells starting with = + - @ tab or CR are neutralised in CSV
and XLSX; numbers stay numbers. Check a pack with tieout verify PACK.zip.
  --with-sources   add the raw source files of the month's events under sources/ (open months)
  --progress       print progress lines on stderr (on by default in a terminal)
`,
  growth: `tieout growth WORKSPACE [--period YYYY-MM] [--format text|json] [--paid-not-shipped-days N]

Ties what the ad platforms claim to what the store and the bank show, for one
month (default: the month of the latest ad spend in the ledger):
  - one row per day × platform (meta, google, …): Spend, Billed, the platform's
    conversions and conversion value, the store's orders and net revenue on that
    day (store time zone; net of refunds and cancellations; test and draft
    orders left out), all in the workspace currency, and the Gap (platform value −
    store net), broken down into refunded/cancelled, test/draft, time-zone shift,
    currency, duplicates (an order two platforms can claim) and the residual, which
    is what it is: attribution window and view-through;
  - a not_attributable row per day for store orders no ad platform can be tied to;
  - spend ↔ billing ↔ cash per platform: spend − ad credits + tax against the
    period's charges, and each charge against the card or bank debit that paid it;
  - orders ↔ shipments by order name: unshipped paid orders older than
    --paid-not-shipped-days (default 3), split and voided labels, shipped
    quantity ≠ ordered, refunded or cancelled but shipped, orphan shipments;
  - campaign-ready: the share of yesterday's store revenue already tied out to
    cash (order → payment → payout → bank credit, from the matches).
An order's platform is the store's own attribution: its utm_source (Shopify Note
Attributes), else the one platform whose click id (fbclid, gclid) it carries.
A platform's days are in its source's time zone: set "source_time_zones" in
workspace.json, e.g. { "meta-ads:main": "America/Los_Angeles" }.
  --format json   the whole report as JSON (the shape the Growth screen reads)
`,
  reconcile: `tieout reconcile WORKSPACE [--rules RULES.json] [--progress]

Runs the matcher over the whole ledger (a full run) with RULES.json, or the
rule set in force: the one the latest run used (a --rules file, or tolerances
saved in the app's Settings), else the built-in one. It applies the difference: new matches and exceptions, ended
ones, class B exceptions escalated when their window has passed. Every import
already runs an incremental version of this over what it brought; a full run
gives the same result. Human decisions are never overridden.
  --progress    print progress lines on stderr: events loaded, each rule as it
                runs, matches and exceptions written (on by default in a terminal)
`,
  status: `tieout status WORKSPACE [--json]

Unmatched rate, auto-resolve rate, open exceptions by code and class, value at
stake per currency, oldest open exception and each source's last import.
`,
  exceptions: `tieout exceptions WORKSPACE [--code C] [--class A|B|C] [--state S] [--all] [--format text|csv|json]

Lists open exceptions (--all: every state; --state picks one).
`,
  explain: `tieout explain WORKSPACE MATCH_ID|EXCEPTION_ID|EVENT_ID

Prints why: the rule and its version, the keys that agreed, amount and time
deltas, the score, and the runner-up candidates with why they lost. Given an
event id, explains every match and exception it takes part in.
`,
  match: `tieout match WORKSPACE --link LINK --left EVENT_ID... --right EVENT_ID... --reason TEXT

Matches the chosen events by hand (links: order_payment, refund_payment,
dispute_payment, payout_items, bank_payout). The events are pinned: later runs
leave them alone. Open exceptions they settle are resolved, and an incremental
reconcile over the events follows, so what the engine concludes from the
decision (the other half of a tie, a payment the match took from another
order) shows at once.
`,
  unmatch: `tieout unmatch WORKSPACE MATCH_ID --reason TEXT

Ends a match (a reversal recorded in the journal, never a delete); the engine
will never propose the same pairs again. An incremental reconcile over the
match's events follows.
`,
  resolve: `tieout resolve WORKSPACE EXCEPTION_ID... --reason TEXT

Resolves exceptions with a reason (all or none). Policy-gated exceptions need a person.
`,
  comment: `tieout comment WORKSPACE EXCEPTION_ID --text TEXT

Adds a comment to an exception's history.
`,
  reopen: `tieout reopen WORKSPACE EXCEPTION_ID --reason TEXT

Reopens a resolved exception.
`,
  assign: `tieout assign WORKSPACE EXCEPTION_ID --owner NAME [--reason TEXT]

Assigns an exception to an owner (state assigned), journaled. NAME is
"NAME <EMAIL>", or the name, first name or e-mail of someone workspace.json names (an owner,
backup, rotation member, escalation contact or "me"), which is then stored as
"NAME <EMAIL>" so it lands in that person's queue. Taking an exception from the
owner it has (a reassignment) needs --reason, journaled with it.
`,
  demo: `tieout demo WORKSPACE [--orders N] [--seed S]

Creates WORKSPACE holding a generated month (default 2,000 orders): Shopify
orders, Stripe balance report, a camt.053 bank statement, a Meta Ads export and
billing, a Google Ads report and billing activity, and ShipStation shipments are
written to WORKSPACE/demo-source-files (with growth-truth.json, the growth gaps
injected), imported through the normal import path and reconciled, with
anomalies injected so every kind of exception shows. The Meta account reports
in America/Los_Angeles (source_time_zones in workspace.json).
`,
  serve: `tieout serve [WORKSPACE] [--port N]

Runs the Tieout app in a browser: serves the built renderer (npm run build
writes it to out/renderer) and the app's API on 127.0.0.1 only, and prints
the address to open, which carries a token made for this launch; requests
without it are refused. WORKSPACE is opened at start; without it the page
offers to create or open one. Runs until Ctrl+C (SIGINT) or SIGTERM.
  --port N     listen on port N (default: a free port)
Recent workspaces are remembered in $TIEOUT_CONFIG_DIR (default ~/.config/tieout);
$TIEOUT_RENDERER_DIR serves a renderer built elsewhere instead of out/renderer.
`,
  owners: `tieout owners set WORKSPACE --domain D --owner "NAME <EMAIL>" --backup "NAME <EMAIL>" [--from DATE]
tieout owners list WORKSPACE [--json]

Every exception belongs to a domain (payments, bank, ads, fulfillment, or one
the workspace adds) and, when it opens, gets that domain's owner and backup on
that day, its SLA tier and due time (journaled with the opening).

set    hands domain D to an owner and a backup from DATE (YYYY-MM-DD in the
       workspace time zone; default today) on, replacing a hand-over of the same
       day. Written to workspace.json and journaled; open exceptions of the
       domain that have no owner yet get the new one.
list   each domain's owner and backup today, since when, by a hand-over or a
       rotation (and whether it is the rotation's hand-off week), and the
       escalation contact.

workspace.json holds the rest (hand-edited, validated when the workspace opens):
  "me": {"name": "Ana Lopez", "email": "ana@example.com"}     who "My queue" is
  "owners": {"payments": {
      "assignments": [{"from": "2026-01-01", "owner": {...}, "backup": {...}}],
      "rotation": {"every": "quarter", "starting": "2026-01-01",
                   "people": [{...}, {...}], "handoff_days": 7},
      "escalation": {"name": "...", "email": "..."},
      "ticket_url": "https://example.atlassian.net/secure/CreateIssueDetails!init.jspa?pid=10000&issuetype=10002&summary={title}&description={description}"}}
  "domain_map": [{"code": "UNKNOWN_BANK_LINE", "source": "bank:savings", "domain": "treasury"}]
  "playbooks": {"MISSING_PAYMENT": {"title": "...", "steps": ["...", "..."]}}
A rotation hands the domain to people in turn (every week, month or quarter
from "starting"); the next in line is the backup, except during the first
handoff_days of a turn, when the outgoing owner is. A hand-over dated inside a
turn overrides the rotation until the next turn. domain_map rows (a code, a
source id or pattern such as "bank:*", or both) are read before the shipped
table, which names a domain for every code.
`,
  sla: `tieout sla WORKSPACE [--as-of ISO] [--json]

Runs the SLA clock at ISO (an instant such as 2026-11-05T09:00:00Z; default
now): gives open exceptions that have no owner or SLA yet their domain's owners
and an SLA, then escalates every exception still unresolved after 24 h to its
backup and after 72 h to the escalation contact (the domain's "escalation", else
workspace.json "sla": {"escalation_contact": ...}), journaling each step once,
and lists the steps it took with the overdue count. Exceptions the system is
remediating (in_remediation) do not escalate until they need a person.

Tiers (the first rule that holds; workspace.json "sla": {"tiers": [...]}
replaces them, "escalate_after_hours": [24, 72] the steps):
  CRITICAL  due in 24 h   class B or C, at stake >= 10 x the policy gate
  HIGH      due in 72 h   class B or C, at stake >= the policy gate
  MEDIUM    due in 120 h  class C
  LOW       due in 168 h  everything else
Amounts are compared in the reporting currency only (no FX basis for others).
`,
  metrics: `tieout metrics WORKSPACE [--from DATE --to DATE] [--json]

Operating metrics over the calendar days DATE..DATE of the workspace time zone
(default: the 30 days ending today), from the ledger's own times:
  unmatched_rate_1h              matchable events that arrived in the period and
                                 were in no match within 1 h of arriving, as a share
  mean_time_to_resolution_hours  hours from opening to resolution of the exceptions
                                 resolved in the period (not those resolved as they opened)
  auto_resolve_rate              exceptions opened in the period that closed without
                                 a person (class A, resolved by new data), as a share
  manual_actions_per_day         a person's matches, unmatches, resolves, comments,
                                 reopens and assignments per day
  high_value_open                {count, value_minor}: open at the end of the period
                                 above the policy gate, in the reporting currency
  top_exceptions                 [{code, count, trend}]: the ten codes opened most, with
                                 their count per week ({week: Monday, count})
--json prints exactly these keys.
`,
  ticket: `tieout ticket WORKSPACE EXCEPTION_ID

Prints the hand-off text of an exception, ready to paste into a ticket: code,
playbook title and amount, class and state, domain, owner, backup, SLA tier and
due time, escalation level, the explanation, its events, its history and the
playbook's steps. When the domain has a "ticket_url" in workspace.json, also
prints the new-ticket link with {title}, {description}, {id}, {code}, {domain},
{owner} and {due} filled in.
`,
  formats: `tieout formats

Lists the import formats this build reads and how each is chosen.
`,
};
