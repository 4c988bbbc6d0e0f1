<?cs # A selection we could not hold: which seats are gone and why, nothing held. ?>
<?cs def:page_body() ?>
<h1>We could not hold your seats</h1>
<p class="form-error" role="alert"><?cs var:Hold.Error ?></p>
<?cs if:subcount(Hold.Gone) > 0 ?>
<p>Taken by someone else: <?cs each:g = Hold.Gone ?><?cs if:!first(g) ?>, <?cs /if ?><strong><?cs var:g ?></strong><?cs /each ?>.</p>
<?cs /if ?>
<p>Nothing is held for you. <a href="/events/<?cs var:Event.Id ?><?cs if:subcount(Hold.Selected) > 0 ?>?<?cs each:s = Hold.Selected ?><?cs if:!first(s) ?>&amp;<?cs /if ?>selected=<?cs var:s ?><?cs /each ?><?cs /if ?>">Back to the seat map</a></p>
<?cs /def ?>
