import { describe, expect, it } from 'vitest';
import { decodeProtobufObject, isProtobufBody } from '../../../../src/demo/kube/protobuf-body';
import { KubeApiError } from '../../../../src/demo/kube/status-error';

// Bodies captured from kubectl 1.32:
//   kubectl create namespace foo
//   kubectl create deployment web -n llm --image=nginx:1 --replicas=3 --port=8080 -- /bin/run --flag
const createNamespace =
  '6b3873000a0f0a02763112094e616d657370616365121b0a130a03666f6f12001a0022002a0032003800420012001a020a001a002200';
const createDeployment =
  '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412d1010a220a0377656212001a036c6c6d22002a003200380042005a0a0a' +
  '036170701203776562129c010803120c0a0a0a0361707012037765621a81010a1c0a0012001a0022002a003200380042005a0a0a036170701203' +
  '776562126112430a056e67696e7812076e67696e783a311a082f62696e2f72756e1a062d2d666c61672a00320b0a00100018903f22002a004200' +
  '6a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c08001000' +
  '18002000280038001a002200';

describe('decodeProtobufObject', () => {
  it('reads the Namespace kubectl create namespace sends', () => {
    expect(decodeProtobufObject(Buffer.from(createNamespace, 'hex'))).toEqual({
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' } },
      complete: true,
    });
  });

  it('reads the Deployment kubectl create deployment sends', () => {
    const { object, complete } = decodeProtobufObject(Buffer.from(createDeployment, 'hex'));
    expect(complete).toBe(true);
    expect(object).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'llm', labels: { app: 'web' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'nginx',
                image: 'nginx:1',
                command: ['/bin/run', '--flag'],
                ports: [{ containerPort: 8080 }],
              },
            ],
          },
        },
      },
    });
  });

  it('rejects what is not a k8s protobuf envelope', () => {
    expect(isProtobufBody(Buffer.from('{"kind":"Namespace"}'))).toBe(false);
    expect(() => decodeProtobufObject(Buffer.from('{}'))).toThrow(KubeApiError);
    expect(() => decodeProtobufObject(Buffer.from('6b387300ff', 'hex'))).toThrow(/malformed protobuf/);
  });
});
