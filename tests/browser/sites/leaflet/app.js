// As in Leaflet's "Non-geographical maps" tutorial.
var map = L.map('map', { crs: L.CRS.Simple, minZoom: -2, zoomAnimation: false, fadeAnimation: false });
var bounds = [[0, 0], [640, 960]];
L.imageOverlay('img/kite.jpg', bounds).addTo(map);
map.fitBounds(bounds);

document.getElementById('add-markers').addEventListener('click', function () {
  L.marker([320, 480]).addTo(map).bindPopup('The middle');
  L.marker([100, 160]).addTo(map).bindPopup('Lower left');
  L.marker([540, 800]).addTo(map).bindPopup('Upper right');
});
