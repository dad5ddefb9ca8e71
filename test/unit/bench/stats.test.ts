import { describe, expect, it } from 'vitest';
import { classifyRequest, countByVerb } from '../../tools/bench/classify-request.js';
import { median, percentile, ratio, spread, summarize } from '../../tools/bench/stats.js';

describe('bench statistics', () => {
  it('percentile is nearest-rank: always an observed value', () => {
    const v = Array.from({ length: 200 }, (_, i) => 200 - i); // 200..1, unsorted
    expect(percentile(v, 50)).toBe(100);
    expect(percentile(v, 95)).toBe(190);
    expect(percentile(v, 100)).toBe(200);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('median averages the two middle values of an even count and ignores non-finite values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([1, Number.NaN, 3, Number.POSITIVE_INFINITY])).toBe(2);
    expect(median([])).toBeNaN();
  });

  it('summarize gives n, min, p50, p95, max and mean', () => {
    expect(summarize([3, 1, 2, 10])).toEqual({ n: 4, min: 1, p50: 2, p95: 10, max: 10, mean: 4 });
    expect(summarize([]).n).toBe(0);
  });

  it('ratio refuses missing or non-positive denominators', () => {
    expect(ratio(30, 10)).toBe(3);
    expect(ratio(30, 0)).toBeUndefined();
    expect(ratio(undefined, 10)).toBeUndefined();
  });
});

describe('classifyRequest', () => {
  it.each([
    ['GET', '/version', 'discovery', undefined],
    ['GET', '/api/v1', 'discovery', undefined],
    ['GET', '/apis/argoproj.io/v1alpha1', 'discovery', undefined],
    [
      'GET',
      '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications?labelSelector=a%3Db',
      'list',
      'argoproj.io/applications',
    ],
    [
      'GET',
      '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications?watch=true&resourceVersion=5',
      'watch',
      'argoproj.io/applications',
    ],
    ['GET', '/apis/argoproj.io/v1alpha1/watch/namespaces/argocd/applications', 'watch', 'argoproj.io/applications'],
    ['GET', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/kubeflow', 'get', 'argoproj.io/applications'],
    ['GET', '/api/v1/namespaces', 'list', '/namespaces'],
    ['GET', '/api/v1/namespaces/kubeflow', 'get', '/namespaces'],
    ['GET', '/api/v1/nodes', 'list', '/nodes'],
    [
      'PATCH',
      '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/kubeflow?fieldManager=x',
      'patch',
      'argoproj.io/applications',
    ],
    [
      'POST',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      'create',
      'authorization.k8s.io/selfsubjectaccessreviews',
    ],
    ['PUT', '/api/v1/namespaces/a/pods/p/status', 'update', '/pods/status'],
    ['DELETE', '/api/v1/namespaces/a/secrets/s', 'delete', '/secrets'],
    ['DELETE', '/api/v1/namespaces/a/secrets', 'deletecollection', '/secrets'],
    ['GET', '/healthz', 'other', undefined],
  ])('%s %s is %s', (method, url, verb, resource) => {
    const c = classifyRequest(method, url);
    expect(c.verb).toBe(verb);
    expect(c.resource).toBe(resource);
  });

  it('counts every verb, zero included', () => {
    const counts = countByVerb([{ verb: 'watch' }, { verb: 'list' }, { verb: 'watch' }]);
    expect(counts.watch).toBe(2);
    expect(counts.list).toBe(1);
    expect(counts.get).toBe(0);
  });
});

describe('spread over runs', () => {
  it('gives the median and range of the runs that measured the metric', () => {
    expect(spread([40.3, 37.8, 58.6])).toEqual({ n: 3, median: 40.3, min: 37.8, max: 58.6 });
    expect(spread([10, undefined, 30, Number.NaN])).toEqual({ n: 2, median: 20, min: 10, max: 30 });
    expect(spread([]).n).toBe(0);
  });
});
