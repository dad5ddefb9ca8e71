import { describe, expect, it } from 'vitest';
import { ExternalError } from '../../../installer/core/errors.js';
import {
  changeOf,
  describeRequest,
  isNotFound,
  isRefused,
  KubeApiError,
  orAbsent,
} from '../../../installer/systems/kube.js';

describe('only a 404 means absent', () => {
  const forbidden = new KubeApiError(403, 'Forbidden', 'list nodes: nodes is forbidden');
  const unavailable = new KubeApiError(503, 'ServiceUnavailable', 'list nodes: the server is unavailable');
  const noAnswer = new ExternalError(
    'cannot reach the Kubernetes API at https://x (context c) to list nodes: ETIMEDOUT',
  );
  it('isNotFound is true for a 404 and for nothing else', () => {
    expect(isNotFound(new KubeApiError(404, 'NotFound', 'get configmaps a/b: not found'))).toBe(true);
    for (const e of [forbidden, unavailable, noAnswer, new Error('x'), undefined]) expect(isNotFound(e)).toBe(false);
  });
  it('orAbsent gives the absent value for a 404 and rethrows a 403, a 5xx and a timeout as they are', async () => {
    await expect(Promise.reject(new KubeApiError(404, 'NotFound', 'gone')).catch(orAbsent([]))).resolves.toEqual([]);
    for (const e of [forbidden, unavailable, noAnswer])
      await expect(Promise.reject(e).catch(orAbsent([]))).rejects.toBe(e);
  });
  it('isRefused is a 401 or a 403: asking again changes nothing', () => {
    expect(isRefused(forbidden)).toBe(true);
    expect(isRefused(new KubeApiError(401, 'Unauthorized', 'x'))).toBe(true);
    expect(isRefused(unavailable)).toBe(false);
    expect(isRefused(noAnswer)).toBe(false);
  });
});

describe('describeRequest names the object a request is about', () => {
  it.each([
    ['GET', '/version', undefined, 'get the server version'],
    ['GET', '/api/v1/nodes', undefined, 'list nodes'],
    ['GET', '/api/v1/namespaces/kubeflow', undefined, 'get namespaces kubeflow'],
    [
      'GET',
      '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications?labelSelector=a%3Db',
      undefined,
      'list applications.argoproj.io in namespace argocd',
    ],
    [
      'GET',
      '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications?watch=true&resourceVersion=1',
      undefined,
      'watch applications.argoproj.io in namespace argocd',
    ],
    [
      'GET',
      '/apis/apps/v1/namespaces/argocd/statefulsets/argocd-application-controller',
      undefined,
      'get statefulsets.apps argocd/argocd-application-controller',
    ],
    [
      'PATCH',
      '/api/v1/namespaces/argocd/configmaps/kubeflow-gitops-install?fieldManager=x',
      'application/apply-patch+yaml',
      'apply configmaps argocd/kubeflow-gitops-install',
    ],
    [
      'PATCH',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/a.b.io',
      'application/merge-patch+json',
      'patch customresourcedefinitions.apiextensions.k8s.io a.b.io',
    ],
    ['POST', '/api/v1/namespaces/auth/secrets', 'application/json', 'create secrets in namespace auth'],
    ['DELETE', '/api/v1/namespaces/x/pods/p', 'application/json', 'delete pods x/p'],
    ['GET', '/apis/metrics.k8s.io/v1beta1', undefined, 'read the API discovery of /apis/metrics.k8s.io/v1beta1'],
  ])('%s %s', (method, path, contentType, words) => {
    expect(describeRequest(method, path, contentType)).toBe(words);
  });
});

describe('changeOf: which requests change what the cluster holds', () => {
  it('writes are changes; reads, dry runs and access reviews are not', () => {
    expect(changeOf('PATCH', '/api/v1/namespaces/a/configmaps/b?force=true', 'application/apply-patch+yaml')).toBe(
      'apply configmaps a/b',
    );
    expect(changeOf('DELETE', '/api/v1/namespaces/a/configmaps/b')).toBe('delete configmaps a/b');
    expect(
      changeOf('POST', '/api/v1/namespaces/argocd/configmaps', 'application/json', { metadata: { name: 'r' } }),
    ).toBe('create configmaps argocd/r');
    expect(changeOf('GET', '/api/v1/namespaces/a/configmaps/b')).toBeUndefined();
    expect(changeOf('PATCH', '/api/v1/namespaces/a/configmaps/b?fieldManager=x&dryRun=All')).toBeUndefined();
    expect(changeOf('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')).toBeUndefined();
    expect(changeOf('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews')).toBeUndefined();
  });
});
