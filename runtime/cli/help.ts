export type CommandName = 'validate' | 'run' | 'catalog' | 'designer' | 'registry';

export const MAIN_HELP = `Usage: sluice <command> [options]

Draw, govern and run event flows.

Commands:
  validate <files...>   Check flow files; one line per problem
  run <flow>            Run a flow until its sources end, or until SIGTERM/SIGINT
  catalog               Print the node types as JSON, or write Markdown pages with --md
  designer              Serve the flow designer and its API over the flows folder
  registry              Serve the embedded Confluent-compatible schema registry
  help [command]        Show help for a command

Options:
  -h, --help            Show help (also after a command: sluice validate --help)
  -v, --version         Print the Sluice version

Exit codes: 0 success, 1 problems found or the command failed, 2 wrong usage.
`;

const ENVIRONMENT = `
Environment:
  SLUICE_REGISTRY=<module>  Use the node types exported as \`registry\` by this module
                            instead of the built-in ones (for embedding and tests).
`;

export const COMMAND_HELP: Record<CommandName, string> = {
  validate: `Usage: sluice validate <files...> [--json] [--policy <file>]

Checks flow files without running them: document shape, node types and versions, configs,
expressions (type-checked against the records that reach each node), resource and secret
references, edges, ports, cycles, dead-letter targets, zones and the leak proof (no tagged
field reaches a sink in another zone unredacted; see docs/governance.md). A directory stands
for the *.flow.json files in it.

Prints one line per problem and nothing for a clean file:
  flows/orders.flow.json: big-orders /config/when: line 1, column 1: ...
  flows/orders.flow.json: read /config/password: warning: a secret is written inline; ...

Options:
  --json           Print all problems as one JSON array instead
  --policy <file>  Governance policy (default: the nearest governance.policy.json in the
                   flow's folder or above, else the built-in policy)
  -h, --help       Show this help

Exits 1 when any file has an error (warnings alone exit 0), 2 on wrong usage.
${ENVIRONMENT}`,
  run: `Usage: sluice run <flow> [--env-file <file>]

Runs a flow in this process until its sources end. On SIGTERM or SIGINT it stops taking in
records, drains what is in flight, commits and closes; a second signal stops at once.
Logs are JSON lines on stderr; stdout belongs to the flow (core.log).

Options:
  --env-file <file>   Read KEY=value lines for \${env:KEY} references
  -h, --help          Show this help

Exits 0 when the flow ended cleanly, 1 with a one-line error otherwise.
${ENVIRONMENT}`,
  catalog: `Usage: sluice catalog [--md <dir>]

Prints every node and resource type as JSON: type, version, category, title, summary,
ports, config JSON Schema and examples.

Options:
  --md <dir>    Write one Markdown page per type and an index.md into <dir> instead
  -h, --help    Show this help
${ENVIRONMENT}`,
  designer: `Usage: sluice designer [--port 4400] [--host 127.0.0.1] [--flows flows] [--env-file <file>]

Serves the designer app and its JSON API over the flows folder: list, read, create, update
and delete flows (always written canonically), the node catalog, validation, and an embedded
runtime that runs and stops flows with live per-node counters. Runs until SIGTERM or SIGINT,
then stops every running flow.

Binds 127.0.0.1 by default. On any other host every API call needs
"Authorization: Bearer <token>"; the token is generated on first start, stored in
<flows>/../.sluice/designer-token (mode 0600) and printed once.

Options:
  --port <n>          Port to listen on (default 4400; 0 picks a free one)
  --host <host>       Address to bind (default 127.0.0.1)
  --flows <dir>       The flows folder (default flows)
  --env-file <file>   KEY=value lines for the flows' \${env:KEY} and SLUICE_SECRET_* references
  -h, --help          Show this help
${ENVIRONMENT}`,
  registry: `Usage: sluice registry [--port 8081] [--host 127.0.0.1] [--postgres <url>] [--data <dir>]

Serves a schema registry that speaks the Confluent Schema Registry REST API (Avro schemas):
subjects, versions, global ids, compatibility levels (BACKWARD, FORWARD, FULL, their
_TRANSITIVE forms and NONE), soft and permanent deletes. Kafka clients and serializers that
talk to Confluent's registry talk to this one. Runs until SIGTERM or SIGINT. See docs/registry.md.

Binds 127.0.0.1 by default. There is no authentication: bind elsewhere only on a trusted network.

Options:
  --port <n>          Port to listen on (default 8081; 0 picks a free one)
  --host <host>       Address to bind (default 127.0.0.1)
  --postgres <url>    Store in PostgreSQL (postgres://user:password@host:port/db); the tables
                      are created when missing
  --data <dir>        Store in this data folder (default .sluice/registry in the working directory)
  -h, --help          Show this help

Exits 0 after a clean stop, 1 when the store or the port cannot be opened, 2 on wrong usage.
`,
};
