import { attributesUpdated, IndexWriteEstimator, type IndexDefinition } from '../../bench/measurements';

/** The bench's estimate of the index writes DynamoDB bills, which dynalite does not report. */
describe('index write units, estimated from each write and the projections', () => {
  const listed = new Set(['status', 'attempts', 'updatedAt', 'departmentId', 'lastError']);
  const include: IndexDefinition[] = [
    { name: 'listing', keys: ['gsi1pk', 'gsi1sk'], projected: listed },
    { name: 'feed', keys: ['gsi2pk', 'gsi2sk'], projected: listed },
  ];
  const all: IndexDefinition[] = include.map(({ name, keys }) => ({ name, keys }));
  const s = (value: string) => ({ S: value });
  const notification = {
    pk: s('NOTIFICATION#ntf_1'),
    sk: s('NOTIFICATION'),
    gsi1pk: s('DEPARTMENT#dvla#PENDING'),
    gsi1sk: s('2026-12-03T08:00:00.000Z#ntf_1'),
    gsi2pk: s('FEED#dvla'),
    gsi2sk: s('2026-12-03T08:00:00.000Z#ntf_1'),
    status: s('PENDING'),
    attempts: { N: '0' },
    departmentId: s('dvla'),
    updatedAt: s('2026-12-03T08:00:00.000Z'),
  };
  const plain = (item: Record<string, any>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.S ?? Number(v.N)]));
  const units = (estimator: IndexWriteEstimator, change: Parameters<IndexWriteEstimator['units']>[1]) =>
    Object.fromEntries(estimator.units('NOTIFICATION#ntf_1|NOTIFICATION', change));

  it('reads which attributes an update expression writes, through its placeholders', () => {
    expect(
      attributesUpdated(
        'SET attempts = if_not_exists(attempts, :zero) + :one, #trail0 = if_not_exists(#trail0, :trail0), updatedAt = :now REMOVE gsi1pk, gsi1sk',
        { '#trail0': 'EVENT#ntf_1#SENT' },
      ),
    ).toEqual(new Set(['attempts', 'EVENT#ntf_1#SENT', 'updatedAt', 'gsi1pk', 'gsi1sk']));
  });

  it('counts a first entry, a move between listings as two writes, nothing for an update of attributes no index holds', () => {
    const estimator = new IndexWriteEstimator(include);
    expect(units(estimator, { after: notification, plain: false })).toEqual({ listing: 1, feed: 1 });
    const delivered: Record<string, unknown> = { ...plain(notification), status: 'DELIVERED', gsi1pk: 'DEPARTMENT#dvla#DELIVERED' };
    expect(units(estimator, { after: delivered, updated: new Set(['status', 'updatedAt', 'gsi1pk', 'gsi1sk']), plain: true })).toEqual({
      listing: 2,
      feed: 1,
    });
    expect(units(estimator, { after: { ...delivered, 'EVENT#x': 'entry' }, updated: new Set(['EVENT#x']), plain: true })).toEqual({
      listing: 0,
      feed: 0,
    });
    const { gsi1pk: _pk, gsi1sk: _sk, ...unlisted } = delivered;
    expect(units(estimator, { after: unlisted, updated: new Set(['gsi1pk', 'gsi1sk']), plain: true })).toEqual({ listing: 1, feed: 0 });
  });

  it('bills an entry by its size: a notification past 1 KB costs 2 units in an index projecting ALL, 1 with INCLUDE', () => {
    const large = { ...plain(notification), 'EVENT#ntf_1#SENT': 'x'.repeat(700), 'EVENT#ntf_1#DELIVERED': 'y'.repeat(700) };
    const change = { after: large, updated: new Set(['attempts']), plain: true };
    const withAll = new IndexWriteEstimator(all);
    const withInclude = new IndexWriteEstimator(include);
    expect(units(withAll, change)).toEqual({ listing: 2, feed: 2 });
    expect(units(withInclude, change)).toEqual({ listing: 1, feed: 1 });
  });
});
