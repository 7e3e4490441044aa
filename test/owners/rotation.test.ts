// Who owns a domain on a day: rotations with a hand-off week, explicit hand-overs, and the two together.
import { describe, it, expect } from 'vitest';
import { ownersOn, type DomainOwnership } from '../../src/shared/ownership/rotation.ts';
import { formatPerson, parsePerson } from '../../src/shared/ownership/people.ts';

const ana = { name: 'Ana Lopez', email: 'ana@ridge.test' };
const ben = { name: 'Ben Okafor', email: 'ben@ridge.test' };
const cy = { name: 'Cy Park', email: 'cy@ridge.test' };

const quarterly: DomainOwnership = { rotation: { every: 'quarter', starting: '2026-01-01', people: [ana, ben, cy] } };
const who = (d: DomainOwnership, day: string): [string, string, boolean] | null => {
  const o = ownersOn(d, day);
  return o === null ? null : [o.owner.name, o.backup.name, o.handoff];
};

describe('a quarterly rotation with the default 7-day hand-off', () => {
  it('nobody before it starts; the first owner with the next in line as backup', () => {
    expect(who(quarterly, '2025-12-31')).toBeNull();
    expect(who(quarterly, '2026-01-01')).toEqual(['Ana Lopez', 'Ben Okafor', false]);
    expect(who(quarterly, '2026-03-31')).toEqual(['Ana Lopez', 'Ben Okafor', false]);
  });

  it('the outgoing owner backs up the incoming one for the first week of a turn, then the next in line does', () => {
    expect(who(quarterly, '2026-04-01')).toEqual(['Ben Okafor', 'Ana Lopez', true]);
    expect(who(quarterly, '2026-04-07')).toEqual(['Ben Okafor', 'Ana Lopez', true]);
    expect(who(quarterly, '2026-04-08')).toEqual(['Ben Okafor', 'Cy Park', false]);
    expect(who(quarterly, '2026-07-01')).toEqual(['Cy Park', 'Ben Okafor', true]);
    expect(who(quarterly, '2026-10-15')).toEqual(['Ana Lopez', 'Ben Okafor', false]);
    expect(ownersOn(quarterly, '2027-01-03')).toMatchObject({ owner: ben, since: '2027-01-01', origin: 'rotation' });
  });

  it('months clamp to their last day (a monthly turn from 31 January starts 28 February, then 31 March)', () => {
    const monthly: DomainOwnership = { rotation: { every: 'month', starting: '2026-01-31', people: [ana, ben], handoff_days: 0 } };
    expect(ownersOn(monthly, '2026-02-27')).toMatchObject({ owner: ana, since: '2026-01-31' });
    expect(ownersOn(monthly, '2026-02-28')).toMatchObject({ owner: ben, since: '2026-02-28', handoff: false });
    expect(ownersOn(monthly, '2026-03-30')).toMatchObject({ owner: ben });
    expect(ownersOn(monthly, '2026-03-31')).toMatchObject({ owner: ana, since: '2026-03-31' });
  });

  it('weekly turns count whole weeks', () => {
    const weekly: DomainOwnership = { rotation: { every: 'week', starting: '2026-11-02', people: [ana, ben, cy], handoff_days: 1 } };
    expect(ownersOn(weekly, '2026-11-16')).toMatchObject({ owner: cy, backup: ben, handoff: true });
    expect(ownersOn(weekly, '2026-11-17')).toMatchObject({ owner: cy, backup: ana, handoff: false });
  });
});

describe('explicit hand-overs', () => {
  it('the latest hand-over on or before the day holds', () => {
    const d: DomainOwnership = {
      assignments: [
        { from: '2026-11-01', owner: ben, backup: cy },
        { from: '2026-06-01', owner: ana, backup: ben },
      ],
    };
    expect(who(d, '2026-05-31')).toBeNull();
    expect(who(d, '2026-10-31')).toEqual(['Ana Lopez', 'Ben Okafor', false]);
    expect(ownersOn(d, '2026-11-01')).toMatchObject({ owner: ben, backup: cy, since: '2026-11-01', origin: 'assignment' });
  });

  it('a hand-over made during a rotation turn overrides it until the next turn', () => {
    const d: DomainOwnership = { ...quarterly, assignments: [{ from: '2026-05-10', owner: cy, backup: ana }] };
    expect(who(d, '2026-05-09')).toEqual(['Ben Okafor', 'Cy Park', false]);
    expect(who(d, '2026-06-30')).toEqual(['Cy Park', 'Ana Lopez', false]);
    expect(ownersOn(d, '2026-07-01')).toMatchObject({ owner: cy, backup: ben, origin: 'rotation', handoff: true });
  });
});

describe('people', () => {
  it('read and written as NAME <EMAIL>', () => {
    expect(parsePerson('Ana Lopez <ana@ridge.test>')).toEqual(ana);
    expect(parsePerson('  Ana  <ana@ridge.test> ')).toEqual({ name: 'Ana', email: 'ana@ridge.test' });
    expect(parsePerson('ana@ridge.test')).toBeNull();
    expect(parsePerson('Ana <not an address>')).toBeNull();
    expect(formatPerson(ana)).toBe('Ana Lopez <ana@ridge.test>');
  });
});
