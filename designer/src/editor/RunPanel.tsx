import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { useDesigner, useFlowState } from '../context';
import { RUN_STATE_LABELS, useRunStatus, type RunLogLine } from './run-status';
import './run-panel.css';

const COUNT_COLUMNS = [
  ['in', 'In'],
  ['out', 'Out'],
  ['dropped', 'Dropped'],
  ['errors', 'Errors'],
] as const;

function logText(l: RunLogLine): string {
  const fields = l.fields && Object.keys(l.fields).length ? ` ${JSON.stringify(l.fields)}` : '';
  return `${l.level.toUpperCase()} ${l.msg}${fields}`;
}

/** The embedded run: its state, per-node counts and the last output and log lines, as text. */
export function RunPanel() {
  const { runs } = useDesigner();
  const flowId = useFlowState((s) => s.doc.id);
  const nodes = useFlowState((s) => s.doc.nodes);
  const run = useStore(runs, useShallow((s) => ({ state: s.state, error: s.error, counters: s.counters })));
  const status = useRunStatus(runs, flowId);

  const counters = Object.keys(run.counters).length ? run.counters : (status?.counters ?? {});
  const counted = Object.keys(nodes).filter((id) => counters[id]);
  const error = run.error ?? (run.state === 'idle' ? undefined : status?.error);
  const lastRun = run.state === 'idle' && status?.state && status.state !== 'idle' ? RUN_STATE_LABELS[status.state] : undefined;

  return (
    <div className="run-panel">
      <p className="run-summary">
        <span className="run-label">State:</span> {RUN_STATE_LABELS[run.state]}
        {lastRun && <span className="muted"> (last run here: {lastRun})</span>}
      </p>
      {error && <p className="run-error">{error}</p>}

      <div className="run-columns">
        <section className="run-counts" aria-labelledby="run-counts-title">
          <h3 id="run-counts-title">Records per node</h3>
          {counted.length === 0 ? (
            <p className="muted">No counts yet. Run the flow to see how many records each node handles.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Node</th>
                  {COUNT_COLUMNS.map(([, title]) => (
                    <th scope="col" key={title} className="num">
                      {title}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {counted.map((id) => (
                  <tr key={id}>
                    <th scope="row">
                      {nodes[id]?.label?.trim() || id}
                      {nodes[id]?.label?.trim() && <span className="run-node-id">{id}</span>}
                    </th>
                    {COUNT_COLUMNS.map(([key]) => (
                      <td key={key} className="num">
                        {counters[id]?.[key] ?? 0}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section className="run-output" aria-labelledby="run-output-title">
          <h3 id="run-output-title">Output</h3>
          {status && status.output.length > 0 ? <pre tabIndex={0}>{status.output.join('\n')}</pre> : <p className="muted">No output yet.</p>}
          <h3>Log</h3>
          {status && status.logs.length > 0 ? <pre tabIndex={0}>{status.logs.map(logText).join('\n')}</pre> : <p className="muted">No log entries yet.</p>}
        </section>
      </div>
    </div>
  );
}
