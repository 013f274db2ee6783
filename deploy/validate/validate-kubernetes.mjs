// Validates every Kubernetes object in the given YAML files (or stdin, "-") against the API schemas
// shipped in kubernetes-models, offline. Exit code 1 when any object is invalid or of an unknown kind.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

let failures = 0;
let checked = 0;
const objects = [];
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      console.error(`${file}: YAML error: ${doc.errors[0].message}`);
      failures++;
      continue;
    }
    const obj = doc.toJS();
    if (!obj) continue;
    const name = `${file}: ${obj.kind}/${obj.metadata?.name}`;
    const [group, version] = String(obj.apiVersion).includes("/") ? obj.apiVersion.split("/") : [null, obj.apiVersion];
    let Model;
    try {
      const module = await import(`kubernetes-models/${group ? group + "/" : ""}${version}/${obj.kind}`);
      Model = module[obj.kind] ?? module.default;
    } catch {
      console.error(`${name}: unknown apiVersion/kind ${obj.apiVersion} ${obj.kind}`);
      failures++;
      continue;
    }
    try {
      new Model(obj).validate();
      checked++;
      objects.push(obj);
      console.log(`ok      ${name}`);
    } catch (error) {
      console.error(`invalid ${name}: ${error.message}`);
      failures++;
    }
  }
}
// What the platform needs beyond the schemas: probes on the health endpoints, and servers and workers that
// survive voluntary disruptions (a PodDisruptionBudget) and scale (a HorizontalPodAutoscaler).
const named = (kind) => objects.filter((o) => o.kind === kind);
for (const deployment of named("Deployment")) {
  for (const container of deployment.spec.template.spec.containers) {
    for (const [probe, path] of [["livenessProbe", "/health/live"], ["readinessProbe", "/health/ready"]]) {
      if (container[probe]?.httpGet?.path !== path) {
        console.error(`policy  Deployment/${deployment.metadata.name}: container ${container.name} needs a ${probe} on ${path}`);
        failures++;
      }
    }
  }
}
for (const name of ["kp-server", "kp-worker"]) {
  if (named("Deployment").some((d) => d.metadata.name === name)) {
    if (!named("PodDisruptionBudget").some((p) => p.spec.selector?.matchLabels?.["app.kubernetes.io/name"] === name)) {
      console.error(`policy  Deployment/${name} has no PodDisruptionBudget`);
      failures++;
    }
    if (!named("HorizontalPodAutoscaler").some((h) => h.spec.scaleTargetRef?.name === name)) {
      console.error(`policy  Deployment/${name} has no HorizontalPodAutoscaler`);
      failures++;
    }
  }
}
console.log(`${checked} valid, ${failures} invalid`);
process.exit(failures === 0 && checked > 0 ? 0 : 1);
