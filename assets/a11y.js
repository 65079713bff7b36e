/* Accessibility fixes for Dash 4's dcc components (WCAG 2.1 AA; checked by tests/test_browser_a11y.py with axe-core).
 *
 * The components render ARIA that screen readers and axe reject, and their markup is not ours to change, so this
 * corrects it in the DOM as React renders it (a MutationObserver, idempotent):
 * - dcc.Dropdown puts a focusable <input aria-hidden="true"> before its button that forwards focus to it
 *   (aria-hidden-focus): the button itself becomes the tab stop, the hidden input leaves the tab order.
 * - dcc.Dropdown names its button by the value only (no field name) and leaves the multi-select's visible count
 *   ("2 gekozen") out of it (label-content-name-mismatch): the button is named by the field's <label>, then the
 *   value, then the count.
 * - dcc.RadioItems / dcc.Checklist render role="listbox" with role="option" labels around native inputs
 *   (nested-interactive, aria-input-field-name): the native radios and checkboxes in their <label>s are the
 *   accessible controls, so the wrapping roles go; the group is named by its fieldset's legend or field label.
 * - A table that scrolls sideways on a phone (.tabel-scroll) must be reachable by keyboard
 *   (scrollable-region-focusable), and must say that it does: the class 'breed' (set while it is wider than its
 *   box) shows 'Veeg opzij voor meer kolommen' above it (assets/pages_extra.css); the profile's Jaar and
 *   reference columns sat off-screen without a hint.
 */
(function() {
    'use strict';
    function fixDropdown(target) {
        if (target.getAttribute('tabindex') !== '-1') { target.setAttribute('tabindex', '-1'); }
        var button = target.nextElementSibling;
        if (!button || button.tagName !== 'BUTTON') { return; }
        if (button.getAttribute('tabindex') !== '0') { button.setAttribute('tabindex', '0'); }
        var id = button.id;
        if (!id) { return; }
        var label = document.querySelector('label[for="' + CSS.escape(id) + '"]');
        if (!label) { return; }
        if (!label.id) { label.id = id + '-label'; }
        // Every text the button shows is part of its name, in reading order (label-content-name-mismatch): the
        // value (chips of a multi-select) and the count ("2 gekozen") that multi-selects show beside it.
        var parts = [label.id];
        [id + '-value', id + '-value-count'].forEach(function(part) {
            if (document.getElementById(part)) { parts.push(part); }
        });
        var want = parts.join(' ');
        if (button.getAttribute('aria-labelledby') !== want) { button.setAttribute('aria-labelledby', want); }
    }
    function fixOptions(list) {
        if (list.hasAttribute('role')) { list.removeAttribute('role'); }
        if (list.hasAttribute('aria-multiselectable')) { list.removeAttribute('aria-multiselectable'); }
        list.querySelectorAll('[role="option"]').forEach(function(el) {
            el.removeAttribute('role');
            el.removeAttribute('aria-selected');
        });
    }
    function fixAll(root) {
        root.querySelectorAll('.dash-dropdown-focus-target').forEach(fixDropdown);
        root.querySelectorAll('.dash-radioitems, .dash-checklist').forEach(fixOptions);
        // A table wider than a phone scrolls in its box: keyboard users must be able to focus it to scroll.
        root.querySelectorAll('.tabel-scroll:not([tabindex])').forEach(function(el) { el.setAttribute('tabindex', '0'); });
        markWide(root);
    }
    function markWide(root) {
        root.querySelectorAll('.tabel-scroll').forEach(function(el) {
            var wide = el.scrollWidth > el.clientWidth + 1;
            if (el.classList.contains('breed') !== wide) { el.classList.toggle('breed', wide); }
        });
    }
    var pending = false;
    function schedule() {
        if (pending) { return; }
        pending = true;
        // Microtask: after React's commit, before the browser paints or a screen reader reads the change.
        Promise.resolve().then(function() { pending = false; fixAll(document); });
    }
    function start() {
        fixAll(document);
        window.addEventListener('resize', function() { markWide(document); });
        new MutationObserver(schedule).observe(document.body, {
            childList: true, subtree: true, attributes: true,
            attributeFilter: ['tabindex', 'role', 'aria-labelledby', 'aria-selected']
        });
    }
    if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
})();
