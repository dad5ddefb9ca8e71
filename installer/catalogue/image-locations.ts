/**
 * Where each release keeps images outside `image:` fields, and the image-like strings that are not
 * images. Data, per release: `images` and the integration test
 * (test/integration/images-accounted.test.ts) render every component and fail on any image-like
 * string that is in neither list, so a release that adds a hidden image cannot slip through.
 */
import type { Release } from './releases.js';

export interface LocationRule {
  readonly kind?: string | undefined;
  readonly name?: string | undefined;
  /** Field glob (images/find-images.ts): `*` within one part, `**` across parts. */
  readonly field: string;
  readonly why: string;
}

export interface NotImageRule {
  /** A regular expression the whole token must match. */
  readonly token: string;
  readonly kind?: string | undefined;
  readonly name?: string | undefined;
  readonly field?: string | undefined;
  readonly why: string;
}

/**
 * An image written in parts (Istio's values: hub, image, tag), each a dotted path in the JSON value
 * of `field`. The reference is `<hub>/<image>:<tag>`; a mirror rewrites the hub.
 */
export interface AssembledRule {
  readonly kind: string;
  readonly name: string;
  readonly field: string;
  readonly hub: string;
  readonly image: string;
  readonly tag: string;
  readonly why: string;
}

export interface ImageLocations {
  readonly images: readonly LocationRule[];
  readonly assembled: readonly AssembledRule[];
  readonly notImages: readonly NotImageRule[];
  /** False for a release whose hidden images nobody has listed yet. */
  readonly surveyed?: boolean;
}

const ENV = (kind: string, name: string, variable: string, why: string): LocationRule => ({
  kind,
  name,
  field: `spec.template.spec.containers[*].env[${variable}].value`,
  why,
});

/** The 14-folder and 10-folder layouts keep their hidden images in the same places. */
const KUBEFLOW_LOCATIONS: ImageLocations = {
  images: [
    ENV('Deployment', 'ml-pipeline', 'V2_DRIVER_IMAGE', "KFP's API server starts each pipeline step's driver with it"),
    ENV('Deployment', 'ml-pipeline', 'V2_LAUNCHER_IMAGE', "KFP's API server puts the launcher into every step pod"),
    {
      kind: 'Deployment',
      name: 'workflow-controller',
      field: 'spec.template.spec.containers[workflow-controller].args[*]',
      why: "Argo Workflows' --executor-image: the argoexec sidecar of every pipeline pod",
    },
    {
      kind: 'Deployment',
      name: 'cert-manager',
      field: 'spec.template.spec.containers[*].args[*]',
      why: "cert-manager's --acme-http01-solver-image: the pod solving ACME HTTP-01 challenges",
    },
    {
      kind: 'ConfigMap',
      name: 'katib-config',
      field: 'data[katib-config.yaml]',
      why: "Katib's suggestion, early-stopping and metrics-collector images, started per experiment",
    },
    {
      kind: 'ConfigMap',
      name: 'trial-templates',
      field: 'data**',
      why: "Katib's trial templates: the images an experiment's trials run",
    },
    {
      kind: 'ConfigMap',
      name: 'jupyter-web-app-config-*',
      field: 'data[spawner_ui_config.yaml]',
      why: "the Jupyter spawner's notebook images offered to users",
    },
    {
      kind: 'ConfigMap',
      name: 'inferenceservice-config',
      field: 'data**',
      why: "KServe's storage-initializer, agent, router and batcher images, put into predictor pods",
    },
    {
      kind: 'ConfigMap',
      name: 'config-deployment',
      field: 'data.queue-sidecar-image',
      why: "Knative's queue-proxy sidecar of every revision pod",
    },
    {
      kind: 'ConfigMap',
      name: 'tensorboard-controller-config-*',
      field: 'data.TENSORBOARD_IMAGE',
      why: 'the image of every Tensorboard the controller starts',
    },
    ENV('Deployment', 'volumes-web-app-deployment', 'VOLUME_VIEWER_IMAGE', "the volumes web app's file browser pods"),
    {
      kind: 'ConfigMap',
      name: 'istio-sidecar-injector',
      field: 'data.config',
      why: "the injector's templates: busybox for the core-dump init container",
    },
  ],
  assembled: [
    {
      kind: 'ConfigMap',
      name: 'istio-sidecar-injector',
      field: 'data.values',
      hub: 'global.hub',
      image: 'global.proxy.image',
      tag: 'global.tag',
      why: "Istio's sidecar (istio-proxy) image, assembled by the injector as <hub>/<image>:<tag>",
    },
  ],
  notImages: [
    {
      token: '.*',
      kind: 'ConfigMap',
      name: 'inferenceservice-config',
      field: 'data._example',
      why: "KServe's commented example of every key: documentation, read by nothing",
    },
  ],
};

/**
 * Argo CD's own manifests (overlays/argocd, ARGOCD_VERSION in core/constants.ts), listed as component
 * `argocd` when kubeflow-gitops installs Argo CD. Surveyed for v3.6.2: its three images (argocd, dex,
 * redis) are all `image:` fields; survey again when the pin moves (images-accounted.test.ts fails).
 */
export const ARGOCD_IMAGE_LOCATIONS: ImageLocations = { images: [], assembled: [], notImages: [] };

/**
 * Every release we carry keeps its hidden images in the same places: v1.10.2 and v1.11.0 were surveyed
 * against these rules too (images-accounted.test.ts). A new release whose places differ gets its own
 * value here; one not yet surveyed gets `surveyed: false`, and `images` says so.
 */
export const IMAGE_LOCATIONS: Readonly<Record<Release, ImageLocations>> = {
  'v1.10.2': KUBEFLOW_LOCATIONS,
  'v1.11.0': KUBEFLOW_LOCATIONS,
  '26.03': KUBEFLOW_LOCATIONS,
  '26.03.1-rc.2': KUBEFLOW_LOCATIONS,
};
