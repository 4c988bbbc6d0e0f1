<?cs # Ask for a password reset link; Reset.Gone says why a link could not be used. ?>
<?cs include:"account/fields.cs" ?>
<?cs def:page_body() ?>
<h1>Reset your password</h1>
<?cs if:Reset.Gone ?><p class="form-error" role="alert"><?cs var:Reset.Gone ?></p><?cs /if ?>
<p>Type your account's email address and we will send it a link to choose a new password.</p>
<form class="account-form" method="post" action="/account/reset" novalidate>
  <?cs call:csrf() ?>
  <div class="field"><label for="a-email">Email address</label>
    <input id="a-email" name="email" type="email" autocomplete="email" maxlength="254" required value="<?cs var:Form.Email ?>"<?cs if:Errors.Email ?> aria-invalid="true" aria-describedby="a-email-error"<?cs /if ?>>
    <?cs call:field_error("a-email", Errors.Email) ?></div>
  <button type="submit">Send the link</button>
</form>
<?cs /def ?>
