"""URLs of the delegations module, one list per part (each part owns its own module)."""

from waishi.delegations.urls_application import urlpatterns as application_urls
from waishi.delegations.urls_browse import urlpatterns as browse_urls
from waishi.delegations.urls_trip import urlpatterns as trip_urls

app_name = "delegations"

urlpatterns = [*browse_urls, *application_urls, *trip_urls]
