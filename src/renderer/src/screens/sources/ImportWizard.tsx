// The import wizard's frame: the list of steps (earlier ones can be revisited until the import is done)
// and the body of the current step, with Back / Next that say why they cannot go on yet.
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { IMPORT_STEPS, importStepProblem, type ImportStep } from '../../store/importSlice.ts';
import { FilesStep } from './FilesStep.tsx';
import { PreviewStep } from './PreviewStep.tsx';
import { SourceStep } from './SourceStep.tsx';
import { CommitStep } from './CommitStep.tsx';
import { ResultStep } from './ResultStep.tsx';

const STEP_LABELS: Record<ImportStep, string> = {
  files: 'Files',
  preview: 'Preview & format',
  source: 'Source',
  commit: 'Import',
  result: 'Result',
};

function StepList() {
  const store = useAppStore();
  const step = useApp((s) => s.importStep);
  const done = useApp((s) => s.importOutcome !== null);
  const current = IMPORT_STEPS.indexOf(step);
  return (
    <ol className="steps" aria-label="Import steps">
      {IMPORT_STEPS.map((s, i) => {
        const label = `${i + 1}. ${STEP_LABELS[s]}`;
        const revisitable = i < current && !done;
        return (
          <li key={s} className={s === step ? 'current' : undefined} aria-current={s === step ? 'step' : undefined}>
            {revisitable ? (
              <button type="button" className="ghost step-link" onClick={() => store.getState().setImportStep(s)}>
                {label}
              </button>
            ) : (
              label
            )}
          </li>
        );
      })}
    </ol>
  );
}

/** Back and Next for a step; Next is disabled with the reason shown while the step is incomplete. */
export function StepNav({ back, next, nextLabel }: { back?: ImportStep; next?: ImportStep; nextLabel?: string }) {
  const store = useAppStore();
  const problem = useApp((s) => importStepProblem(s, s.importStep));
  return (
    <div className="toolbar step-nav">
      {back !== undefined && (
        <button type="button" onClick={() => store.getState().setImportStep(back)}>
          Back
        </button>
      )}
      <span className="spacer" />
      {next !== undefined && problem !== null && <span className="muted step-problem">{problem}</span>}
      {next !== undefined && (
        <button type="button" className="primary" disabled={problem !== null} onClick={() => store.getState().setImportStep(next)}>
          {nextLabel ?? 'Next'}
        </button>
      )}
    </div>
  );
}

export function ImportWizard() {
  const step = useApp((s) => s.importStep);
  return (
    <section className="panel import-wizard" aria-label="Import files">
      <div className="wizard-head">
        <h2>Import files</h2>
        <StepList />
      </div>
      {step === 'files' && <FilesStep />}
      {step === 'preview' && <PreviewStep />}
      {step === 'source' && <SourceStep />}
      {step === 'commit' && <CommitStep />}
      {step === 'result' && <ResultStep />}
    </section>
  );
}
