// Package kubernetes holds the Kubernetes manifests; its test decodes
// them strictly into the k8s.io/api types and checks them against the
// binary's flags and metric names.
package kubernetes

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/skriptable/skriptable/internal/cli"
	"github.com/skriptable/skriptable/internal/metrics"
	"github.com/skriptable/skriptable/internal/server"
)

// manifests decodes every *.yaml here strictly (unknown or misspelt
// fields fail) into its typed object.
func manifests(t *testing.T) map[string]any {
	t.Helper()
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	out := map[string]any{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains("\n"+string(b), "\n---") {
			t.Fatalf("%s: one object per file, please", f)
		}
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(b, &tm); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var obj any
		switch tm.APIVersion + " " + tm.Kind {
		case "apps/v1 Deployment":
			obj = &appsv1.Deployment{}
		case "v1 Service":
			obj = &corev1.Service{}
		case "v1 Namespace":
			obj = &corev1.Namespace{}
		case "v1 Secret":
			obj = &corev1.Secret{}
		case "autoscaling/v2 HorizontalPodAutoscaler":
			obj = &autoscalingv2.HorizontalPodAutoscaler{}
		default:
			t.Fatalf("%s: unexpected %s %s", f, tm.APIVersion, tm.Kind)
		}
		if err := yaml.UnmarshalStrict(b, obj); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[f] = obj
	}
	return out
}

func TestStrictDecodeRejectsUnknownFields(t *testing.T) {
	bad := []byte("apiVersion: apps/v1\nkind: Deployment\nspec:\n  replica: 2\n")
	if err := yaml.UnmarshalStrict(bad, &appsv1.Deployment{}); err == nil {
		t.Fatal("a misspelt field decoded without error")
	}
}

// probePaths are the paths every node serves (internal/api for API
// nodes; internal/server for workers, see TestMetricsAndWorkerEndpoints).
var probePaths = map[string]bool{"/healthz": true, "/readyz": true}

func TestManifests(t *testing.T) {
	m := manifests(t)
	api := m["api.yaml"].(*appsv1.Deployment)
	worker := m["worker.yaml"].(*appsv1.Deployment)
	svc := m["service.yaml"].(*corev1.Service)
	hpa := m["hpa.yaml"].(*autoscalingv2.HorizontalPodAutoscaler)
	ns := m["namespace.yaml"].(*corev1.Namespace)

	for name, obj := range m {
		if o, ok := obj.(metav1.Object); ok && o.GetName() != ns.Name && o.GetNamespace() != ns.Name {
			t.Errorf("%s: namespace %q, want %q", name, o.GetNamespace(), ns.Name)
		}
	}

	image := api.Spec.Template.Spec.Containers[0].Image
	if !strings.HasPrefix(image, "ghcr.io/skriptable/skriptable:") || strings.HasSuffix(image, ":latest") {
		t.Errorf("image %q: want ghcr.io/skriptable/skriptable pinned to a version", image)
	}
	roles := map[*appsv1.Deployment]string{api: server.RoleAPI, worker: server.RoleWorker}
	for d, role := range roles {
		checkDeployment(t, d, role, image)
	}

	// The Service reaches the API pods on their HTTP port.
	if !matches(svc.Spec.Selector, api.Spec.Template.Labels) || matches(svc.Spec.Selector, worker.Spec.Template.Labels) {
		t.Errorf("service selector %v does not pick exactly the API pods", svc.Spec.Selector)
	}
	for _, p := range svc.Spec.Ports {
		if _, ok := containerPort(api.Spec.Template.Spec.Containers[0], p.TargetPort.String()); !ok {
			t.Errorf("service targetPort %s is no API container port", p.TargetPort.String())
		}
	}

	// The autoscaler scales the workers on the metric the binary exports.
	ref := hpa.Spec.ScaleTargetRef
	if ref.Kind != "Deployment" || ref.APIVersion != "apps/v1" || ref.Name != worker.Name {
		t.Errorf("HPA scales %+v, want the worker Deployment %q", ref, worker.Name)
	}
	if len(hpa.Spec.Metrics) != 1 || hpa.Spec.Metrics[0].Type != autoscalingv2.ExternalMetricSourceType ||
		hpa.Spec.Metrics[0].External.Metric.Name != metrics.QueueDepth {
		t.Errorf("HPA metrics %+v, want one external metric %s", hpa.Spec.Metrics, metrics.QueueDepth)
	} else if tgt := hpa.Spec.Metrics[0].External.Target; tgt.Type != autoscalingv2.AverageValueMetricType || tgt.AverageValue == nil || tgt.AverageValue.Sign() <= 0 {
		t.Errorf("HPA target %+v: want a positive AverageValue (waiting runs per worker)", tgt)
	}
	if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas < 1 || hpa.Spec.MaxReplicas < *hpa.Spec.MinReplicas {
		t.Errorf("HPA replicas %v..%d", hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas)
	}

	// The worker has what the OCI sandbox needs, and the API no privilege.
	wc := worker.Spec.Template.Spec.Containers[0].SecurityContext
	if wc == nil || wc.Privileged == nil || !*wc.Privileged || wc.RunAsUser == nil || *wc.RunAsUser != 0 ||
		wc.SeccompProfile == nil || wc.SeccompProfile.Type != corev1.SeccompProfileTypeUnconfined {
		t.Errorf("worker securityContext %+v: the OCI sandbox needs root, privileged (writable cgroupfs) and no seccomp filter on the launcher", wc)
	}
	if hu := worker.Spec.Template.Spec.HostUsers; hu == nil || !*hu {
		t.Error("worker must run in the host user namespace (the driver maps uid ranges 200000+)")
	}
	for _, c := range append(api.Spec.Template.Spec.InitContainers, api.Spec.Template.Spec.Containers...) {
		sc := c.SecurityContext
		if sc == nil || (sc.Privileged != nil && *sc.Privileged) || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
			sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" {
			t.Errorf("API container %s: want no privileges, got %+v", c.Name, sc)
		}
	}
	if ps := api.Spec.Template.Spec.SecurityContext; ps == nil || ps.RunAsNonRoot == nil || !*ps.RunAsNonRoot {
		t.Error("API pods must run as non-root")
	}
}

// checkDeployment checks one Deployment against the binary.
func checkDeployment(t *testing.T, d *appsv1.Deployment, role, image string) {
	t.Helper()
	if d.Spec.Selector == nil || !matches(d.Spec.Selector.MatchLabels, d.Spec.Template.Labels) {
		t.Errorf("%s: selector does not match its pods", d.Name)
	}
	spec := d.Spec.Template.Spec
	if len(spec.Containers) != 1 {
		t.Fatalf("%s: %d containers", d.Name, len(spec.Containers))
	}
	for _, c := range append(spec.InitContainers, spec.Containers...) {
		if c.Image != image {
			t.Errorf("%s/%s: image %q, want %q like every other container", d.Name, c.Name, c.Image, image)
		}
		checkEnvRefs(t, d.Name, c)
	}
	for _, c := range spec.InitContainers {
		if _, err := cli.ParseServiceArgs(c.Args); err != nil || c.Args[0] != "migrate" {
			t.Errorf("%s/%s: %v %v", d.Name, c.Name, c.Args, err)
		}
	}
	c := spec.Containers[0]
	cfg, err := cli.ParseServiceArgs(c.Args)
	if err != nil {
		t.Fatalf("%s: the binary rejects its arguments %q: %v", d.Name, c.Args, err)
	}
	if cfg.Role != role {
		t.Errorf("%s: arguments give role %q, want %q", d.Name, cfg.Role, role)
	}
	if !strings.HasPrefix(cfg.Database, "$(") {
		t.Errorf("%s: --database must come from the Secret, got %q", d.Name, cfg.Database)
	}
	// The data directory is created by the node inside a volume (not the
	// mount point itself, which a non-root node may not chmod).
	mounted := false
	for _, m := range c.VolumeMounts {
		if strings.HasPrefix(cfg.DataDir, strings.TrimSuffix(m.MountPath, "/")+"/") {
			mounted = true
		}
	}
	if !mounted {
		t.Errorf("%s: --data-dir %s is not inside a mounted volume", d.Name, cfg.DataDir)
	}
	host, port, err := net.SplitHostPort(cfg.Listen)
	if err != nil || host != "0.0.0.0" {
		t.Errorf("%s: --listen %q: want 0.0.0.0:PORT (reachable from the kubelet and Service)", d.Name, cfg.Listen)
	}
	if len(c.Ports) != 1 || fmt.Sprint(c.Ports[0].ContainerPort) != port {
		t.Errorf("%s: container ports %+v, want exactly --listen's %s", d.Name, c.Ports, port)
	}
	for name, p := range map[string]*corev1.Probe{"startup": c.StartupProbe, "liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
		if p == nil || p.HTTPGet == nil {
			t.Errorf("%s: no HTTP %s probe", d.Name, name)
			continue
		}
		if !probePaths[p.HTTPGet.Path] {
			t.Errorf("%s: %s probe path %q is not served", d.Name, name, p.HTTPGet.Path)
		}
		if got, ok := containerPort(c, p.HTTPGet.Port.String()); !ok || fmt.Sprint(got) != port {
			t.Errorf("%s: %s probe port %s is not --listen's %s", d.Name, name, p.HTTPGet.Port.String(), port)
		}
	}
	if c.ReadinessProbe != nil && c.ReadinessProbe.HTTPGet != nil && c.ReadinessProbe.HTTPGet.Path != "/readyz" {
		t.Errorf("%s: readiness must use /readyz (it checks the database)", d.Name)
	}
	a := d.Spec.Template.Annotations
	if a["prometheus.io/scrape"] != "true" || a["prometheus.io/port"] != port || a["prometheus.io/path"] != metrics.Path {
		t.Errorf("%s: scrape annotations %v, want port %s path %s", d.Name, a, port, metrics.Path)
	}
	if role == server.RoleWorker {
		grace := d.Spec.Template.Spec.TerminationGracePeriodSeconds
		if grace == nil || float64(*grace) <= cfg.StopGrace.Seconds() {
			t.Errorf("%s: terminationGracePeriodSeconds %v must exceed --stop-grace %v", d.Name, grace, cfg.StopGrace)
		}
		need := int64(cfg.Workers) * cfg.Limits.Memory
		if req := c.Resources.Requests.Memory(); req == nil || req.Value() < need {
			t.Errorf("%s: memory request %v below --workers × --memory = %d", d.Name, req, need)
		}
		if lim := c.Resources.Limits.Memory(); lim == nil || lim.Value() < need {
			t.Errorf("%s: memory limit %v below --workers × --memory = %d", d.Name, lim, need)
		}
	}
}

// checkEnvRefs checks that every $(VAR) in the arguments is defined by
// the container's env, from the Secret.
func checkEnvRefs(t *testing.T, dep string, c corev1.Container) {
	t.Helper()
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}
	for _, a := range c.Args {
		for rest := a; strings.Contains(rest, "$("); {
			i := strings.Index(rest, "$(")
			j := strings.Index(rest[i:], ")")
			if j < 0 {
				t.Errorf("%s/%s: unterminated $( in %q", dep, c.Name, a)
				break
			}
			name := rest[i+2 : i+j]
			e, ok := env[name]
			if !ok || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.ValueFrom.SecretKeyRef.Name != "skriptable" {
				t.Errorf("%s/%s: $(%s) is not taken from the skriptable Secret", dep, c.Name, name)
			}
			rest = rest[i+j:]
		}
	}
	if c.Name != "migrate" {
		if e, ok := env["SKRIPTABLE_SECRET_KEY"]; !ok || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
			t.Errorf("%s/%s: every node needs the shared SKRIPTABLE_SECRET_KEY from the Secret", dep, c.Name)
		}
	}
}

func containerPort(c corev1.Container, nameOrNumber string) (int32, bool) {
	for _, p := range c.Ports {
		if p.Name == nameOrNumber || fmt.Sprint(p.ContainerPort) == nameOrNumber {
			return p.ContainerPort, true
		}
	}
	return 0, false
}

// matches reports whether every selector label is on the pod.
func matches(sel, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}
