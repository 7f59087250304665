# Varnish in front of the site: the API's public answers are kept in memory
# and purged by the cache tags the app puts in each answer's xkey header,
# which it sends, as soon as a change is committed, in a PURGE request's
# xkey-purge header (withdrawals, privacy: gone at once) or xkey-softpurge
# header (edits of live pages: served while fetched again), to each of
# HEALTH_ARTICLES_PURGE_URLS. Everything else (pages,
# the admin, previews, the browsable API) goes to the backend each time.
#
# `make serve-varnish` fills in the backend's port (BACKEND_PORT below).
vcl 4.1;

import xkey;

backend default {
    .host = "127.0.0.1";
    .port = "BACKEND_PORT";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may purge: the app's own machine.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed to purge"));
        }
        # Gone at once (a page withdrawn, privacy changed).
        if (req.http.xkey-purge) {
            set req.http.x-purged = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Purged " + req.http.x-purged));
        }
        # Stale: served while the new answer is fetched (within grace).
        if (req.http.xkey-softpurge) {
            set req.http.x-purged = xkey.softpurge(req.http.xkey-softpurge);
            return (synth(200, "Purged softly " + req.http.x-purged));
        }
        return (synth(400, "A PURGE needs an xkey-purge or xkey-softpurge header"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The API only, and never a preview of a draft.
    if (req.url !~ "^/api/v2/" || req.url ~ "^/api/v2/page_preview/") {
        return (pass);
    }
    # The browsable API's HTML is one visitor's (it holds a CSRF token).
    if (req.url ~ "[?&]format=api(&|$)"
        || (req.http.Accept ~ "text/html" && req.http.Accept !~ "json|\*/\*")) {
        return (pass);
    }
    # The app answers every Accept that gets JSON alike, and the same to
    # every visitor, whatever their cookies: one variant a URL.
    unset req.http.Accept;
    unset req.http.Cookie;
    unset req.http.Authorization;
    return (hash);
}

sub vcl_backend_response {
    # Only answers the app tagged (public 200s) are kept: a 404 or a
    # redirect carries no tags, so no purge could reach it.
    if (!beresp.http.xkey) {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    # Unchanged answers may be served a little past their max-age while one
    # is fetched again; changed ones are purged, not aged out. Answers
    # marked private or no-store are never kept: Varnish's own rules follow.
    set beresp.grace = 30s;
}

sub vcl_deliver {
    set resp.http.X-Cache = "MISS";
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    }
    unset resp.http.x-varnish;
    unset resp.http.via;
}
