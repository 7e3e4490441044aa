// Fixed durations in milliseconds: business times are UTC instants, so a day is always 24 hours.
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
