import assert from 'node:assert/strict';
import { addDays } from '../../src/domain/calendar-date';
import { createWorkingTime, type LocalDate } from '../../src/domain/working-time';

const HOUR = 3_600_000;
const at = (iso: string): Date => new Date(iso);
const sameInstant = (actual: Date, expectedIso: string): void =>
  assert.equal(actual.toISOString(), new Date(expectedIso).toISOString());

/** Published Scottish bank holidays (gov.uk / mygov.scot), substitute days included. */
const SCOTTISH_BANK_HOLIDAYS: Record<number, LocalDate[]> = {
  2026: ['2026-01-01', '2026-01-02', '2026-04-03', '2026-05-04', '2026-05-25', '2026-08-03', '2026-11-30', '2026-12-25', '2026-12-28'],
  2027: ['2027-01-01', '2027-01-04', '2027-03-26', '2027-05-03', '2027-05-31', '2027-08-02', '2027-11-30', '2027-12-27', '2027-12-28'],
};

function weekdaysThatAreNotWorkingDays(year: number): LocalDate[] {
  const wt = createWorkingTime();
  const found: LocalDate[] = [];
  for (let day = `${year}-01-01`; day.startsWith(String(year)); day = addDays(day, 1)) {
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !wt.isWorkingDay(day)) found.push(day);
  }
  return found;
}

describe('working time (Europe/London, Scottish bank holidays)', () => {
  const wt = createWorkingTime();

  describe('working days', () => {
    it('treats Monday to Friday as working days and Saturday and Sunday as not', () => {
      assert.equal(wt.isWorkingDay('2026-06-08'), true);
      assert.equal(wt.isWorkingDay('2026-06-12'), true);
      assert.equal(wt.isWorkingDay('2026-06-13'), false);
      assert.equal(wt.isWorkingDay('2026-06-14'), false);
    });

    for (const year of [2026, 2027]) {
      it(`treats every published Scottish bank holiday of ${year} as a non-working day`, () => {
        for (const day of SCOTTISH_BANK_HOLIDAYS[year]!) assert.equal(wt.isWorkingDay(day), false, day);
      });

      it(`has no weekday holidays in ${year} other than the published Scottish list`, () => {
        assert.deepEqual(weekdaysThatAreNotWorkingDays(year), SCOTTISH_BANK_HOLIDAYS[year]);
      });
    }

    it('works on English-only bank holidays (Easter Monday, late August Monday)', () => {
      assert.equal(wt.isWorkingDay('2026-04-06'), true);
      assert.equal(wt.isWorkingDay('2026-08-31'), true);
    });

    it('treats configured closure days as non-working', () => {
      const closed = createWorkingTime({ closureDays: ['2026-06-10'] });
      assert.equal(closed.isWorkingDay('2026-06-10'), false);
      assert.equal(wt.isWorkingDay('2026-06-10'), true);
      sameInstant(closed.addWorkingDays(at('2026-06-09T10:00:00+01:00'), 1), '2026-06-11T10:00:00+01:00');
    });
  });

  describe('london dates', () => {
    it('reports the London date, which is a day ahead of UTC late on summer evenings', () => {
      assert.equal(wt.londonDate(at('2026-06-08T23:30:00Z')), '2026-06-09');
      assert.equal(wt.londonDate(at('2026-12-31T23:30:00Z')), '2026-12-31');
    });

    it('reports the right date either side of the October clock change', () => {
      assert.equal(wt.londonDate(at('2026-10-24T23:30:00Z')), '2026-10-25');
      assert.equal(wt.londonDate(at('2026-10-25T23:30:00Z')), '2026-10-25');
    });
  });

  describe('next working moment', () => {
    it('keeps an instant that is inside working hours', () => {
      sameInstant(wt.nextWorkingMoment(at('2026-06-09T13:45:10.123+01:00')), '2026-06-09T13:45:10.123+01:00');
    });

    it('moves an early-morning instant to 09:00 the same day', () => {
      sameInstant(wt.nextWorkingMoment(at('2026-06-09T07:00:00+01:00')), '2026-06-09T09:00:00+01:00');
    });

    it('moves 17:00 on a Friday to 09:00 on Monday', () => {
      sameInstant(wt.nextWorkingMoment(at('2026-06-05T17:00:00+01:00')), '2026-06-08T09:00:00+01:00');
    });

    it('moves a report made on a Saturday to 09:00 on Monday', () => {
      sameInstant(wt.nextWorkingMoment(at('2026-06-06T11:00:00+01:00')), '2026-06-08T09:00:00+01:00');
    });
  });

  describe('adding working time', () => {
    it('adds one working day from Monday 10:00 to give Tuesday 10:00', () => {
      sameInstant(wt.addWorkingDays(at('2026-06-08T10:00:00+01:00'), 1), '2026-06-09T10:00:00+01:00');
    });

    it('carries hours past 17:00 into the next working morning', () => {
      sameInstant(wt.addWorkingHours(at('2026-06-08T16:30:00+01:00'), 1), '2026-06-09T09:30:00+01:00');
    });

    it('moves a deadline set at 16:59 on a Friday to 16:59 on Monday', () => {
      sameInstant(wt.addWorkingDays(at('2026-06-05T16:59:00+01:00'), 1), '2026-06-08T16:59:00+01:00');
    });

    it('gives Monday 17:00 for one working day from a Saturday report', () => {
      sameInstant(wt.addWorkingDays(at('2026-06-06T11:00:00+01:00'), 1), '2026-06-08T17:00:00+01:00');
    });

    it('keeps 10:00 wall-clock across the March clock change (GMT to BST)', () => {
      const monday = wt.addWorkingDays(at('2026-03-27T10:00:00+00:00'), 1);
      sameInstant(monday, '2026-03-30T10:00:00+01:00');
      assert.equal(monday.toISOString(), '2026-03-30T09:00:00.000Z');
    });

    it('keeps 10:00 wall-clock across the October clock change (BST to GMT)', () => {
      const monday = wt.addWorkingDays(at('2026-10-23T10:00:00+01:00'), 1);
      sameInstant(monday, '2026-10-26T10:00:00+00:00');
      assert.equal(monday.toISOString(), '2026-10-26T10:00:00.000Z');
    });

    it('skips New Year and the substitute 2 January holiday across the year end', () => {
      sameInstant(wt.addWorkingDays(at('2026-12-31T10:00:00Z'), 1), '2027-01-05T10:00:00Z');
    });
  });

  describe('working time between instants', () => {
    it('counts only working hours across a weekend', () => {
      assert.equal(wt.workingMillisBetween(at('2026-06-05T15:00:00+01:00'), at('2026-06-08T11:00:00+01:00')), 4 * HOUR);
    });

    it('counts nothing on Good Friday but a full day on Easter Monday', () => {
      assert.equal(wt.workingMillisBetween(at('2026-04-02T15:00:00+01:00'), at('2026-04-07T10:00:00+01:00')), 11 * HOUR);
    });

    it('counts a full 8 hours for each working day across the March clock change', () => {
      assert.equal(wt.workingMillisBetween(at('2026-03-27T09:00:00Z'), at('2026-03-30T17:00:00+01:00')), 16 * HOUR);
    });

    it('is zero when the end is not after the start, or both are outside working hours', () => {
      assert.equal(wt.workingMillisBetween(at('2026-06-09T12:00:00+01:00'), at('2026-06-09T11:00:00+01:00')), 0);
      assert.equal(wt.workingMillisBetween(at('2026-06-06T10:00:00+01:00'), at('2026-06-07T10:00:00+01:00')), 0);
    });
  });

  describe('complaint response deadline', () => {
    it('gives 24 hours for a complaint posted on a weekday', () => {
      sameInstant(wt.complaintResponseDeadline(at('2026-06-09T11:30:00+01:00')), '2026-06-10T11:30:00+01:00');
    });

    it('skips the weekend for a complaint posted on a Friday', () => {
      sameInstant(wt.complaintResponseDeadline(at('2026-06-05T15:00:00+01:00')), '2026-06-08T15:00:00+01:00');
    });

    it('keeps the wall-clock time for a Friday post across the March clock change', () => {
      sameInstant(wt.complaintResponseDeadline(at('2026-03-27T15:00:00Z')), '2026-03-30T15:00:00+01:00');
    });

    it('gives 17:00 on Monday for complaints posted on Saturday or Sunday', () => {
      sameInstant(wt.complaintResponseDeadline(at('2026-06-06T09:15:00+01:00')), '2026-06-08T17:00:00+01:00');
      sameInstant(wt.complaintResponseDeadline(at('2026-06-07T22:00:00+01:00')), '2026-06-08T17:00:00+01:00');
    });

    it('skips a Friday holiday for a complaint posted the Thursday before', () => {
      sameInstant(wt.complaintResponseDeadline(at('2026-04-02T15:00:00+01:00')), '2026-04-06T15:00:00+01:00');
    });

    it('gives 17:00 on the next working day for a complaint posted on a holiday', () => {
      sameInstant(wt.complaintResponseDeadline(at('2026-04-03T10:00:00+01:00')), '2026-04-06T17:00:00+01:00');
    });

    it('skips Christmas Day and the Boxing Day substitute for a Christmas Eve post', () => {
      sameInstant(wt.complaintResponseDeadline(at('2026-12-24T15:00:00Z')), '2026-12-29T15:00:00Z');
    });
  });

  describe('enquiry deadline', () => {
    it('is five working days later for an enquiry received on a Monday', () => {
      sameInstant(wt.enquiryDeadline(at('2026-06-08T10:00:00+01:00')), '2026-06-15T10:00:00+01:00');
    });

    it('does not count Good Friday as one of the five working days', () => {
      sameInstant(wt.enquiryDeadline(at('2026-04-01T14:00:00+01:00')), '2026-04-09T14:00:00+01:00');
    });
  });

  describe('access expiry helpers', () => {
    it('puts London midnight at 00:00 GMT in winter and 23:00Z the day before in summer', () => {
      sameInstant(wt.londonMidnight('2026-12-01'), '2026-12-01T00:00:00+00:00');
      sameInstant(wt.londonMidnight('2026-06-01'), '2026-06-01T00:00:00+01:00');
    });

    it('counts working days back from an end date, skipping weekends and bank holidays', () => {
      // Access ending as Tue 8 Dec 2026 begins: 10 working days before is Mon 23 Nov, St Andrew's Day (Mon 30 Nov) skipped.
      sameInstant(wt.workingDaysBefore(wt.londonMidnight('2026-12-08'), 10), '2026-11-23T09:00:00+00:00');
      sameInstant(wt.workingDaysBefore(at('2026-06-15T12:00:00+01:00'), 1), '2026-06-12T09:00:00+01:00');
    });
  });

  describe('invalid arguments', () => {
    const monday = at('2026-06-08T10:00:00+01:00');

    it('rejects negative or non-finite hours and days with a RangeError', () => {
      for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        assert.throws(() => wt.addWorkingHours(monday, bad), RangeError);
        assert.throws(() => wt.addWorkingDays(monday, bad), RangeError);
      }
    });

    it('rejects a closure day that is not YYYY-MM-DD, naming the bad value', () => {
      assert.throws(() => createWorkingTime({ closureDays: ['2026-06-10', '10/06/2026'] }), (err: unknown) =>
        err instanceof RangeError && err.message.includes('10/06/2026'));
      assert.throws(() => createWorkingTime({ closureDays: ['2026-6-1'] }), /2026-6-1/);
    });

    it('rejects an invalid Date and a malformed day', () => {
      assert.throws(() => wt.nextWorkingMoment(new Date('not a date')), RangeError);
      assert.throws(() => wt.londonDate(new Date(Number.NaN)), RangeError);
      assert.throws(() => wt.isWorkingDay('2026-13-01'), RangeError);
    });
  });
});
