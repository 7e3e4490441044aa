// The display sign convention, stated once for the whole app (in the header), with its full wording on demand.
import { useId, useState } from 'react';
import { SIGN_CONVENTION_TEXT } from '../../../shared/review/displaySign.ts';

export function SignConvention() {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <div className="sign-convention">
      <button type="button" className="ghost" aria-expanded={open} aria-controls={id} title={SIGN_CONVENTION_TEXT} onClick={() => setOpen(!open)}>
        Amounts: + in · − out
      </button>
      {open ? (
        <p id={id} className="sign-convention-text panel" role="note">
          {SIGN_CONVENTION_TEXT} Red marks only what needs attention.
        </p>
      ) : null}
    </div>
  );
}
