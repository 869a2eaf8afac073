/**
 * The helplines every report prints until an organisation sets its own (spycheck config). A
 * module of its own, without I/O, so the report model can use it too.
 */
import type { ContactDetails } from '../report/model.js';

type Helpline = NonNullable<ContactDetails['helplines']>[number];

/**
 * Free UK helplines, one per nation, and the two national lines for men and
 * for LGBT+ people. Hours are given only where the line says it is always open.
 */
export const DEFAULT_HELPLINES: readonly Helpline[] = Object.freeze([
  {
    name: 'National Domestic Abuse Helpline (England)',
    phone: '0808 2000 247',
    note: 'Free, 24 hours',
  },
  { name: 'Live Fear Free (Wales)', phone: '0808 80 10 800', note: 'Free, 24 hours' },
  {
    name: 'Domestic Abuse and Forced Marriage Helpline (Scotland)',
    phone: '0800 027 1234',
    note: 'Free, 24 hours',
  },
  {
    name: 'Domestic and Sexual Abuse Helpline (Northern Ireland)',
    phone: '0808 802 1414',
    note: 'Free, 24 hours',
  },
  { name: "Men's Advice Line", phone: '0808 8010 327', note: 'Free, for men' },
  {
    name: 'Galop LGBT+ Domestic Abuse Helpline',
    phone: '0800 999 5428',
    note: 'Free, for LGBT+ people',
  },
]);
