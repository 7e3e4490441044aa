// Failures of the first-launch calls, split into the field they are about (shown under it) and the rest.
import { ApiError } from '../../../../shared/api/contract.ts';
import { errorMessage } from '../../store/sliceTypes.ts';
import { messageForField } from '../../store/settingsSlice.ts';

export interface CallFailure {
  field: string | null;
  message: string;
}

export function callFailure(err: unknown, fields: readonly string[]): CallFailure {
  if (err instanceof ApiError && err.field !== null && fields.includes(err.field)) {
    return { field: err.field, message: messageForField(err.message, err.field) };
  }
  return { field: null, message: errorMessage(err) };
}
