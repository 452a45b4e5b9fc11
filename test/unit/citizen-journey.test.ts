import { inputIdForPointer, requestBodyFrom, validateJourney, validateStep, stepBySlug } from '../../lambdas/web/citizen-journey';

const complete = {
  givenName: 'Ada',
  familyName: 'Lovelace',
  'dateOfBirth-day': '10',
  'dateOfBirth-month': '12',
  'dateOfBirth-year': '1985',
  nationalInsuranceNumber: '',
  email: 'ada@example.org',
  'previousAddress-line1': '1 Old Street',
  'previousAddress-line2': '',
  'previousAddress-town': 'Leeds',
  'previousAddress-postcode': 'ls11aa',
  'newAddress-line1': '2 New Road',
  'newAddress-line2': 'Flat 3',
  'newAddress-town': 'York',
  'newAddress-postcode': 'YO1 7HH',
  'movedOn-day': '20',
  'movedOn-month': '11',
  'movedOn-year': '2026',
  departments: ['hmrc', 'dvla'],
};

describe('the citizen journey builds the API request and judges each page with its schema', () => {
  it('turns the answers of every page into the body POST /v1/submissions takes', () => {
    expect(requestBodyFrom(complete)).toEqual({
      type: 'address.changed',
      person: { givenName: 'Ada', familyName: 'Lovelace', dateOfBirth: '1985-12-10', email: 'ada@example.org' },
      previousAddress: { line1: '1 Old Street', line2: '', town: 'Leeds', postcode: 'ls11aa' },
      newAddress: { line1: '2 New Road', line2: 'Flat 3', town: 'York', postcode: 'YO1 7HH' },
      movedOn: '2026-11-20',
      departments: ['hmrc', 'dvla'],
    });
    const validated = validateJourney(complete);
    expect(validated.ok && validated.value.previousAddress).toEqual({ line1: '1 Old Street', town: 'Leeds', postcode: 'LS1 1AA' });
  });

  it('reports only the errors of the page being answered, pointing at its inputs', () => {
    const nameOnly = { givenName: '', familyName: 'Lovelace' };
    expect(validateStep(stepBySlug('name')!, nameOnly)).toEqual([{ inputId: 'givenName', text: 'Enter your first name.' }]);
    expect(
      validateStep(stepBySlug('date-of-birth')!, { 'dateOfBirth-day': '31', 'dateOfBirth-month': '2', 'dateOfBirth-year': '1985' }),
    ).toEqual([{ inputId: 'dateOfBirth-day', text: expect.stringContaining('real date') }]);
    expect(validateStep(stepBySlug('national-insurance-number')!, {})).toEqual([]);
    expect(validateStep(stepBySlug('national-insurance-number')!, { nationalInsuranceNumber: 'QQ 12 34 56 C' })).toEqual([
      { inputId: 'nationalInsuranceNumber', text: expect.any(String) },
    ]);
    expect(
      validateStep(stepBySlug('new-address')!, {
        'newAddress-line1': '2 New Road',
        'newAddress-town': 'York',
        'newAddress-postcode': 'nowhere',
      }),
    ).toEqual([{ inputId: 'newAddress-postcode', text: 'Enter a real UK postcode for your new address, like LS1 1AA.' }]);
    expect(validateStep(stepBySlug('departments')!, {})).toEqual([
      { inputId: 'departments', text: 'Choose at least one department to tell.' },
    ]);
  });

  it('judges the moved-on date against the date of birth given on an earlier page', () => {
    const errors = validateStep(stepBySlug('moved-on')!, { ...complete, 'movedOn-year': '1980' });
    expect(errors).toEqual([{ inputId: 'movedOn-day', text: 'The date you moved must be on or after your date of birth.' }]);
  });

  it('links every error pointer to an input that exists on its page', () => {
    expect(inputIdForPointer('/person/dateOfBirth')).toBe('dateOfBirth-day');
    expect(inputIdForPointer('/previousAddress')).toBe('previousAddress-line1');
    expect(inputIdForPointer('/departments/1')).toBe('departments');
  });
});
