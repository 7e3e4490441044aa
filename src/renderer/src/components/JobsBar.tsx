// Progress of long calls (imports, runs, demo creation), fed by the backend's progress events.
import { useApp } from '../store/storeContext.tsx';

export function JobsBar() {
  const jobs = useApp((s) => s.jobs);
  if (jobs.length === 0) return <div className="jobs" />;
  return (
    <div className="jobs" aria-live="polite">
      {jobs.map((job) => {
        const ratio = job.total !== null && job.total > 0 ? Math.min(1, job.done / job.total) : null;
        return (
          <div
            key={job.callId}
            className="job"
            role="progressbar"
            aria-label={job.title}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={ratio === null ? undefined : Math.round(ratio * 100)}
          >
            <span className="job-title">{job.title}</span>
            <span className="job-label muted">{job.label}</span>
            <span className={ratio === null ? 'job-track indeterminate' : 'job-track'}>
              <span className="job-fill" style={{ width: ratio === null ? '40%' : `${Math.round(ratio * 100)}%` }} />
            </span>
          </div>
        );
      })}
    </div>
  );
}
