import { useRef, type KeyboardEvent } from 'react';
import { ChevronDown, ChevronUp, CircleX, TriangleAlert } from 'lucide-react';
import { countProblems, ProblemsPanel, useDiagnostics } from './ProblemsPanel';
import { RunPanel } from './RunPanel';

export type BottomTab = 'problems' | 'run';

export interface BottomPanelProps {
  tab: BottomTab;
  onTab(tab: BottomTab): void;
  open: boolean;
  onOpen(open: boolean): void;
}

/**
 * Problems and Run, as tabs under the canvas. Both panels stay mounted while hidden, so the run
 * output keeps updating and switching tabs is instant.
 */
export function BottomPanel({ tab, onTab, open, onOpen }: BottomPanelProps) {
  const diagnostics = useDiagnostics();
  const { errors, warnings } = countProblems(diagnostics);
  const tabs = useRef<Record<BottomTab, HTMLButtonElement | null>>({ problems: null, run: null });

  const pick = (t: BottomTab) => {
    onTab(t);
    onOpen(true);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight' && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    const next: BottomTab = e.key === 'Home' ? 'problems' : e.key === 'End' ? 'run' : tab === 'problems' ? 'run' : 'problems';
    pick(next);
    tabs.current[next]?.focus();
  };
  const tabProps = (t: BottomTab) => ({
    role: 'tab' as const,
    id: `bottom-tab-${t}`,
    'aria-selected': tab === t,
    'aria-controls': `bottom-panel-${t}`,
    tabIndex: tab === t ? 0 : -1,
    className: 'bottom-tab',
    ref: (el: HTMLButtonElement | null) => void (tabs.current[t] = el),
    onClick: () => pick(t),
  });

  return (
    <section className={open ? 'editor-bottom' : 'editor-bottom editor-bottom-closed'} aria-label="Problems">
      <div className="bottom-bar">
        <div role="tablist" aria-label="Problems and run" onKeyDown={onKeyDown}>
          <button type="button" {...tabProps('problems')} title={`${errors} ${errors === 1 ? 'error' : 'errors'}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`}>
            Problems ({diagnostics.length})
            {errors > 0 && (
              <span className="bottom-count bottom-count-error" aria-hidden>
                <CircleX size={13} /> {errors}
              </span>
            )}
            {warnings > 0 && (
              <span className="bottom-count bottom-count-warning" aria-hidden>
                <TriangleAlert size={13} /> {warnings}
              </span>
            )}
          </button>
          <button type="button" {...tabProps('run')}>
            Run
          </button>
        </div>
        <button
          type="button"
          className="btn btn-small btn-icon"
          aria-label={open ? 'Hide panel' : 'Show panel'}
          title={open ? 'Hide panel' : 'Show panel'}
          aria-expanded={open}
          aria-controls="bottom-panels"
          onClick={() => onOpen(!open)}
        >
          {open ? <ChevronDown size={16} aria-hidden /> : <ChevronUp size={16} aria-hidden />}
        </button>
      </div>
      <div id="bottom-panels" className="bottom-panels" hidden={!open}>
        <div role="tabpanel" id="bottom-panel-problems" aria-labelledby="bottom-tab-problems" hidden={tab !== 'problems'}>
          <ProblemsPanel />
        </div>
        <div role="tabpanel" id="bottom-panel-run" aria-labelledby="bottom-tab-run" hidden={tab !== 'run'}>
          <RunPanel />
        </div>
      </div>
    </section>
  );
}
