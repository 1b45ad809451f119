// The map of plots (Leaflet, vendored): a point per plot coloured by crop, on a plain
// background unless the server names a tile server (MRV_TILE_URL).
document.addEventListener("DOMContentLoaded", () => {
  const element = document.getElementById("map");
  if (!element || typeof L === "undefined") return;
  const points = JSON.parse(element.dataset.points);
  const colours = JSON.parse(element.dataset.colours);
  const map = L.map(element, {preferCanvas: true});
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, {maxZoom: 18}).addTo(map);
  }
  const layer = L.featureGroup(points.map(([lat, lon, crop, plot, commune]) =>
    L.circleMarker([lat, lon], {radius: 4, weight: 1, color: "#222", fillColor: colours[crop] || "#777", fillOpacity: 0.9})
      .bindTooltip(`${plot} · ${commune}`))).addTo(map);
  if (points.length) map.fitBounds(layer.getBounds(), {padding: [10, 10]});
  else map.setView([12.7, 108.2], 8);
});
