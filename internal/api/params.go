package api

import (
	"errors"
	"net/http"

	"github.com/skriptable/skriptable/internal/store"
)

// valueRequest is the body of PUT …/params/{name} and …/secrets/{name}.
type valueRequest struct {
	Value *string `json:"value" api:"required" doc:"at most 64 KiB of UTF-8"`
}

// decodeValue reads and checks a valueRequest; the path's {name} must be
// a valid param/secret name.
func decodeValue(w http.ResponseWriter, r *http.Request) (name, value string, err error) {
	name = r.PathValue("name")
	if err := checkParamName("name", name); err != nil {
		return "", "", err
	}
	var req valueRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return "", "", err
	}
	if req.Value == nil {
		return "", "", invalid("value", "is required")
	}
	if err := checkParamValue("value", *req.Value); err != nil {
		return "", "", err
	}
	return name, *req.Value, nil
}

// listParams handles GET /scripts/{id}/params: all params by name.
func (a *API) listParams(w http.ResponseWriter, r *http.Request) error {
	m, err := a.store.ListParams(r.Context(), tenantID(r), r.PathValue("id"))
	if err != nil {
		return orNotFound(err, "script")
	}
	writeJSON(w, http.StatusOK, List[ParamView]{Items: NewParamViews(m)})
	return nil
}

// getParam handles GET /scripts/{id}/params/{name}.
func (a *API) getParam(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	v, err := a.store.GetParam(r.Context(), tenantID(r), r.PathValue("id"), name)
	if err != nil {
		return orNotFound(err, "param")
	}
	writeJSON(w, http.StatusOK, ParamView{Name: name, Value: v})
	return nil
}

// putParam handles PUT /scripts/{id}/params/{name}: create or replace;
// 200 with the param.
func (a *API) putParam(w http.ResponseWriter, r *http.Request) error {
	name, value, err := decodeValue(w, r)
	if err != nil {
		return err
	}
	if err := a.store.SetParam(r.Context(), tenantID(r), r.PathValue("id"), name, value); err != nil {
		return orNotFound(err, "script")
	}
	writeJSON(w, http.StatusOK, ParamView{Name: name, Value: value})
	return nil
}

// deleteParam handles DELETE /scripts/{id}/params/{name}.
func (a *API) deleteParam(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.DeleteParam(r.Context(), tenantID(r), r.PathValue("id"), r.PathValue("name")); err != nil {
		return orNotFound(err, "param")
	}
	noContent(w)
	return nil
}

// listSecrets handles GET /scripts/{id}/secrets: names and update times,
// never values.
func (a *API) listSecrets(w http.ResponseWriter, r *http.Request) error {
	ss, err := a.store.ListSecretNames(r.Context(), tenantID(r), r.PathValue("id"))
	if err != nil {
		return orNotFound(err, "script")
	}
	writeJSON(w, http.StatusOK, List[SecretView]{Items: mapItems(ss, func(s store.SecretInfo) SecretView {
		return SecretView{Name: s.Name, UpdatedAt: s.UpdatedAt.UTC()}
	})})
	return nil
}

// putSecret handles PUT /scripts/{id}/secrets/{name}: create or replace;
// 204 (the value is write-only).
func (a *API) putSecret(w http.ResponseWriter, r *http.Request) error {
	name, value, err := decodeValue(w, r)
	if err != nil {
		return err
	}
	err = a.store.SetSecret(r.Context(), tenantID(r), r.PathValue("id"), name, value)
	if errors.Is(err, store.ErrInvalid) {
		// The name and value were checked above: what remains is a
		// server without a secret key.
		a.log.Error("api: cannot store secret", "err", err)
		return &Error{Status: http.StatusServiceUnavailable, Code: "secrets_unavailable",
			Message: "secrets are not available: the server has no secret key configured"}
	}
	if err != nil {
		return orNotFound(err, "script")
	}
	noContent(w)
	return nil
}

// deleteSecret handles DELETE /scripts/{id}/secrets/{name}.
func (a *API) deleteSecret(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.DeleteSecret(r.Context(), tenantID(r), r.PathValue("id"), r.PathValue("name")); err != nil {
		return orNotFound(err, "secret")
	}
	noContent(w)
	return nil
}
