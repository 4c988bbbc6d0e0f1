<?cs # The account forms' shared parts: a field's message, shown beside it. ?>
<?cs def:field_error(id, message) ?><?cs if:message ?><p class="field-error" id="<?cs var:id ?>-error" role="alert"><?cs var:message ?></p><?cs /if ?><?cs /def ?>
<?cs def:csrf() ?><input type="hidden" name="csrf_token" value="<?cs var:CSRF.Token ?>"><?cs /def ?>
