// Where the Wagtail site (and its API v2 under /api/v2/) lives.
// Change it here, or per visit with ?api=https://cms.example.org
window.HEALTH_ARTICLES_API = "http://127.0.0.1:8000";
