/* Kaart: repaint an indicator switch without re-projecting the map (issue 11: painted in <= 250 ms).
 *
 * Plotly.restyle of a choropleth recomputes every trace (features, hover polygons) and re-projects all ~1,600
 * paths, though only colours and two short lists change. The trace 'geen gegevens' (index 0) holds every area
 * of the level in geometry order with its computed feature, hover polygons and projected path; this copies
 * them into the changed traces instead:
 *   - 'waarden' has every area as well (z null where there is no value): per area the path gets the base
 *     path's outline (or none) and its class colour from the stepped colourscale;
 *   - 'geheim' and 'onbetrouwbaar' hold every area too (figures.flag_z) and show the ones in their list.
 * No path is added or removed, so pan and zoom (which re-project the same selection of paths) keep working.
 * plotly's own state is kept as a restyle would leave it (gd.data, gd._fullData, gd.calcdata), so hover, click,
 * the PNG export and a later Plotly.react see the new values. Returns false, having changed nothing, when the
 * map is not in the state this expects (the online map's other trace type, geometry still loading, a level
 * whose areas differ from the values): the caller then uses Plotly.restyle.
 */
(function() {
    'use strict';

    /* The colour plotly gives z on a colourscale: the last stop at or below z's position (a value exactly on a
     * step takes the upper colour, as plotly does). The map's scales are stepped, so no interpolation. */
    function colourOf(scale, zmin, zmax, z) {
        var t = zmax > zmin ? (z - zmin) / (zmax - zmin) : 0;
        var c = scale[0][1];
        for (var k = 0; k < scale.length && scale[k][0] <= t; k++) { c = scale[k][1]; }
        return c;
    }

    function nodes(cd) {
        var out = [];
        cd[0].node3.selectAll('path.choroplethlocation').each(function() { out.push(this); });
        return out;
    }

    var POINT = ['loc', 'z', 'geojson', '_polygons', 'ct', 'fIn', 'fOut'];

    function copyPoint(pt, from, z) {
        POINT.forEach(function(k) { pt[k] = from[k]; });
        pt.z = z;
    }

    function clearPoint(pt) {
        POINT.forEach(function(k) { pt[k] = undefined; });
        pt.loc = null;
        pt.geojson = null;
    }

    /* Trace 'waarden': every area, a value or none. */
    function paintValues(gd, i, base, baseNodes, paths, w) {
        var cd = gd.calcdata[i], full = gd._fullData[i], n = base.length;
        for (var j = 0; j < n; j++) {
            var z = w.z[j], pt = cd[j], p = paths[j];
            var had = pt.geojson;
            if (z === null || z === undefined) {
                clearPoint(pt);
                if (had) { p.removeAttribute('d'); }
            } else {
                copyPoint(pt, base[j], z);
                if (!had) { p.setAttribute('d', baseNodes[j].getAttribute('d') || ''); }
                p.setAttribute('fill', colourOf(w.colorscale, w.zmin, w.zmax, z));
            }
            pt.index = j;
        }
        ['z', 'customdata', 'colorscale', 'zmin', 'zmax', 'hovertemplate'].forEach(function(k) {
            full[k] = w[k];
            gd.data[i][k] = w[k];
        });
        full.zauto = false;
    }

    /* Traces 'geheim' and 'onbetrouwbaar' (figures.flag_z): every area too, shown where its position is in
     * ``list``. They name areas by position (properties.i), so a point's location is its index. */
    function paintFlags(gd, i, base, baseNodes, paths, list) {
        var cd = gd.calcdata[i], full = gd._fullData[i], n = base.length;
        var z = new Array(n).fill(null), fill = full.colorscale[0][1];  // one colour (figures.base_map)
        list.forEach(function(k) { z[k] = 1; });
        for (var j = 0; j < n; j++) {
            var pt = cd[j], had = pt.geojson;
            if (z[j] === null) {
                clearPoint(pt);
                if (had) { paths[j].removeAttribute('d'); }
            } else {
                copyPoint(pt, base[j], 1);
                pt.loc = j;
                if (!had) { paths[j].setAttribute('d', baseNodes[j].getAttribute('d') || ''); }
                paths[j].setAttribute('fill', fill);
            }
            pt.index = j;
        }
        full.z = z;
        gd.data[i].z = z;
    }

    /** Repaint ``gd`` (the Kaart graph) with ``w`` (views.restyle_data); ``tr`` = [geheim, waarden, onbetrouwbaar,
     *  geen gegevens] trace indices. True when painted; false, with nothing changed, when the caller must use
     *  Plotly.restyle. */
    window.kaartVerf = function(gd, w, tr) {
        var cds = gd && gd.calcdata, full = gd && gd._fullData;
        if (!cds || !full || !gd._fullLayout || !gd._fullLayout.geo) { return false; }
        if (tr.some(function(i) { return !cds[i] || !cds[i][0] || !cds[i][0].node3 || !full[i] ||
                                         full[i].type !== 'choropleth'; })) { return false; }
        var base = cds[tr[3]], n = base.length, paths = tr.map(function(i) { return nodes(cds[i]); });
        var inRange = function(k) { return k >= 0 && k < n; };
        // Geometry still loading, an area without a drawn path, or values for another set of areas.
        if (!w.z || w.z.length !== n || !w.geheim.every(inRange) || !w.onbetrouwbaar.every(inRange) ||
            paths.some(function(p, k) { return p.length !== n || cds[tr[k]].length !== n; }) ||
            base.some(function(pt) { return !pt.geojson; })) { return false; }
        var baseNodes = paths[3];
        paintValues(gd, tr[1], base, baseNodes, paths[1], w);
        paintFlags(gd, tr[0], base, baseNodes, paths[0], w.geheim);
        paintFlags(gd, tr[2], base, baseNodes, paths[2], w.onbetrouwbaar);
        return true;
    };
})();
