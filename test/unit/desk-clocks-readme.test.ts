import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatDeadline } from '../../src/domain/london-time';
import { createWorkingTime } from '../../src/domain/working-time';

/** README's worked examples of the desk's clocks, asked of the clock itself: the documentation cannot drift from it. */
describe('README "The desk\'s clocks": every worked example is what the clock says', () => {
  const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
  const section = readme.split(/^### /m).find((part) => part.startsWith('The desk\'s clocks')) ?? '';
  const rows = [...section.matchAll(/^\| (\w{3} \d{1,2} \w{3} \d{4}, \d{2}:\d{2}) \| (complaint|enquiry) \| (\w{3} \d{1,2} \w{3}, \d{2}:\d{2})/gm)];
  const workingTime = createWorkingTime();
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  /** "Fri 27 Nov 2026, 16:00" in London as an instant (whatever the offset that day). */
  function londonInstant(text: string): Date {
    const [, day, month, year, hour, minute] = /^\w{3} (\d{1,2}) (\w{3}) (\d{4}), (\d{2}):(\d{2})$/.exec(text)!;
    const utc = Date.UTC(Number(year), MONTHS.indexOf(month!), Number(day), Number(hour), Number(minute));
    for (const offsetHours of [0, 1]) {
      const candidate = new Date(utc - offsetHours * 3_600_000);
      if (formatDeadline(candidate).endsWith(`${day} ${month}, ${hour}:${minute}`)) return candidate;
    }
    throw new Error(`no London instant for ${text}`);
  }

  it('has the examples (the table is read)', () => assert.ok(rows.length >= 6, `${rows.length} rows`));
  for (const [, posted, kind, due] of rows) {
    it(`${kind} posted ${posted}: due ${due}`, () => {
      const at = londonInstant(posted!);
      const deadline = kind === 'complaint' ? workingTime.complaintResponseDeadline(at) : workingTime.enquiryDeadline(at);
      assert.equal(formatDeadline(deadline), due);
    });
  }
});
