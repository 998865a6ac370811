import { FleetError, type FleetErrorBody } from '../../shared/errors/fleet-error';

/** Whatever a call threw, as the body a view can show (message, where, what to do). */
export function toErrorBody(error: unknown): FleetErrorBody {
  if (error instanceof FleetError) return error.toJSON();
  return FleetError.fromBody({
    code: 'internal',
    message: error instanceof Error ? error.message : String(error),
  }).toJSON();
}
