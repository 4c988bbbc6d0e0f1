<?cs # An on-sale busier than we can serve (app/http/admission.c): the hold waited too long for a
       worker and was not tried. Nothing is held. The shopper's selection rides along in hidden
       fields, so "Try again" posts exactly the same hold; nothing here costs a query, which
       matters while the crowd is at the door. ?>
<?cs def:page_body() ?>
<section class="busy-page">
  <h1>Very busy right now</h1>
  <p class="form-error" role="alert"><?cs var:Busy.Message ?></p>
  <form method="post" action="/events/<?cs var:Busy.EventId ?>/hold">
<?cs each:t = Busy.Tickets ?>    <input type="hidden" name="ticketId" value="<?cs var:t ?>">
<?cs /each ?><?cs each:s = Busy.Standing ?>    <input type="hidden" name="standing_<?cs var:s.Section ?>" value="<?cs var:s.Quantity ?>">
<?cs /each ?>    <button type="submit">Try again with the same <?cs if:Busy.Count == 1 ?>ticket<?cs else ?><?cs var:Busy.Count ?> tickets<?cs /if ?></button>
  </form>
  <p><a href="/events/<?cs var:Busy.EventId ?>">Back to the event to choose again</a></p>
</section>
<?cs /def ?>
